// The IVF list scan of every codec (faiss's ivfInterleavedScan<Codec> skeleton): for each query,
// the lists its probes name, the probes split into chunks, a top-k per (query, chunk) written
// sorted at ((q * nchunks) + chunk) * k for merge.cl to join. Lists are resident as one store
// (DeviceListStore): list l starts at row listOffset[l], a multiple of BLOCK, holds listSize[l]
// rows, and ids[listOffset[l] + r] is the id of its row r. Probes of -1 and empty lists are
// skipped; biases[q * nprobe + p], when hasBiases, is the probe's coarse-distance term.
//
// The codec's .cl, placed before this file in the program, supplies what differs (compile-time
// hooks, as faiss's Codec template parameter):
//   CODE_T, CODEC_ARGS                 the store's element type and the codec's kernel arguments
//   WORK_GROUP shape: CODEC_WG_LOCALS, CODEC_WG_QUERY (stage per-query data in local memory),
//     CODEC_WG_LIST (per probed list, with its own barriers), CODEC_WG_DISTANCE(row, bias)
//   per-item shape: ITEM_ROWS (rows summed at once), CODEC_ITEM_QUERY, CODEC_ITEM_LIST,
//     CODEC_ITEM_DISTANCES(dist, r0, bias) writing the ITEM_ROWS distances of rows r0.. of the list
// WORK_GROUP (-D) picks the shape: a PoCL build of the work-group kernel takes tens of seconds,
// which a CPU device that runs the per-item one never needs.

// The loop over query q's probes of this chunk, shared by both shapes: in the body, `list`,
// `offset` and `size` (in the store) and `bias` of the probe; probes of -1 and empty lists are
// skipped (uniform in a work-group: every work-item reads the same probe). A macro rather than a
// function with out-parameters: with those, the SQ8 work-group kernel gave wrong results on PoCL
// 3.1 (address-taken private variables across the codec's barriers, it seems).
#define FOR_EACH_PROBED_LIST \
    const int pEnd = min(nprobe, (chunk + 1) * probesPerChunk); \
    for (int p = chunk * probesPerChunk; p < pEnd; p++) { \
        const int list = probes[(long) q * nprobe + p]; \
        if (list < 0) continue; \
        const long offset = listOffset[list]; \
        const long size = listSize[list]; \
        if (size == 0) continue; \
        const float bias = hasBiases ? biases[(long) q * nprobe + p] : 0.0f;
#define END_FOR_EACH_PROBED_LIST }

#ifdef WORK_GROUP
// GPU shape: one work-group per (query, probe chunk), work-items over the rows of each list
// (coalesced in the BLOCK layout), work-group top-k (topk.cl).
__kernel void ivf_scan(__global const CODE_T* codes, __global const long* ids,
                       __global const long* listOffset, __global const long* listSize, CODEC_ARGS,
                       __global const float* biases, const int hasBiases,
                       const int q0, const int nq, const int ip, __global const int* probes, const int nprobe,
                       const int probesPerChunk, const int nchunks, const int k, const int K, const int C,
                       __global float* outKey, __global long* outId, CODEC_WG_LOCALS,
                       __local float* bk, __local long* bi, __local float* ck, __local long* ci, __local int* count) {
    const int lid = get_local_id(0);
    const int wg = get_local_size(0);
    const int group = get_group_id(0);
    const int q = q0 + group / nchunks;
    const int chunk = group % nchunks;
    CODEC_WG_QUERY
    wg_topk_init(bk, bi, count, K);
    barrier(CLK_LOCAL_MEM_FENCE);

    FOR_EACH_PROBED_LIST
        CODEC_WG_LIST
        for (long start = 0; start < size; start += wg) {
            const long r = start + lid;
            if (r < size) {
                const long row = offset + r;
                wg_topk_offer(bk, bi, ck, ci, count, k, to_key(ip, CODEC_WG_DISTANCE(row, bias)), ids[row]);
            }
            wg_topk_end_round(bk, bi, ck, ci, count, K, C);
        }
    END_FOR_EACH_PROBED_LIST
    const long at = ((long) q * nchunks + chunk) * k;
    wg_topk_finish(bk, bi, ck, ci, count, k, K, C, outKey + at, outId + at);
}

#else
// CPU-device shape: one work-item per (query, probe chunk) of queries [q0, q0 + nq), a private
// sorted top-k in its output slot; ITEM_ROWS rows at a time (one vector lane per row: PoCL maps
// a float8 to one AVX register, and independent sums replace one serial chain). `scratch` is the
// codec's per-work-item memory (PQ's formed tables).
__kernel void ivf_scan(__global const CODE_T* codes, __global const long* ids,
                       __global const long* listOffset, __global const long* listSize, CODEC_ARGS,
                       __global const float* biases, const int hasBiases,
                       const int q0, const int nq, const int ip, __global const int* probes, const int nprobe,
                       const int probesPerChunk, const int nchunks, const int k,
                       __global float* outKey, __global long* outId, __global float* scratch) {
    const long g = get_global_id(0);
    if (g >= (long) nq * nchunks) return;
    const int q = q0 + (int) (g / nchunks);
    const int chunk = (int) (g % nchunks);
    const long slot = (long) q * nchunks + chunk;
    __global float* tk = outKey + slot * k;
    __global long* ti = outId + slot * k;
    item_topk_init(tk, ti, k);
    float thresholdKey = INFINITY;
    long thresholdId = EMPTY_ID;
    CODEC_ITEM_QUERY
    FOR_EACH_PROBED_LIST
        CODEC_ITEM_LIST
        for (long r0 = 0; r0 < size; r0 += ITEM_ROWS) {
            // offset is a multiple of BLOCK (a multiple of ITEM_ROWS): rows past size are padding
            float dist[ITEM_ROWS];
            CODEC_ITEM_DISTANCES(dist, r0, bias)
            const int rows = (int) min((long) ITEM_ROWS, size - r0);
            for (int i = 0; i < rows; i++) {
                const float key = to_key(ip, dist[i]);
                const long id = ids[offset + r0 + i];
                if (ranks_before(key, id, thresholdKey, thresholdId)) {
                    item_topk_insert(tk, ti, k, key, id);
                    thresholdKey = tk[k - 1];
                    thresholdId = ti[k - 1];
                }
            }
        }
    END_FOR_EACH_PROBED_LIST
}
#endif
