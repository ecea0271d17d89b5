// IVF-Flat list scan: for each query, the lists its probes name, top-k over all of them, merged
// on the device. Lists are resident as one concatenated store: list l starts at row
// listOffset[l] (a multiple of BLOCK, in the layout of layout.cl) and holds listSize[l] rows;
// ids[listOffset[l] + r] is the stored id of its row r. Probes of -1 are skipped.
//
// Output: a sorted partial list per (query q, probe chunk c) at (q * nchunks + c) * k; a chunk
// is probesPerChunk consecutive probes of one query. merge.cl joins the chunks.

// GPU shape: one work-group per (query, probe chunk), work-items over the rows of each list
// (coalesced in the blocked layout), query in local memory, work-group top-k (topk.cl).
__kernel void scan_lists_wg(__global const float* vectors, __global const long* ids,
                            __global const long* listOffset, __global const long* listSize, const int d,
                            __global const float* queries, const int nq, const int ip,
                            __global const int* probes, const int nprobe, const int probesPerChunk, const int nchunks,
                            const int k, const int K, const int C,
                            __global float* outKey, __global long* outId,
                            __local float* qloc, __local float* bk, __local long* bi,
                            __local float* ck, __local long* ci, __local int* count) {
    const int lid = get_local_id(0);
    const int wg = get_local_size(0);
    const int group = get_group_id(0);
    const int q = group / nchunks;
    const int chunk = group % nchunks;
    for (int t = lid; t < d; t += wg) qloc[t] = queries[(long) q * d + t];
    wg_topk_init(bk, bi, count, K);
    barrier(CLK_LOCAL_MEM_FENCE);

    const int pEnd = min(nprobe, (chunk + 1) * probesPerChunk);
    for (int p = chunk * probesPerChunk; p < pEnd; p++) {
        const int list = probes[(long) q * nprobe + p];
        if (list < 0) continue; // uniform: every work-item reads the same probe
        const long offset = listOffset[list];
        const long size = listSize[list];
        for (long start = 0; start < size; start += wg) {
            const long r = start + lid;
            if (r < size) {
                const long row = offset + r;
                __global const float* v = vectors + (row / BLOCK) * BLOCK * d + row % BLOCK;
                float acc = 0.0f;
                if (ip) {
                    for (int c = 0; c < d; c++) acc = fma(qloc[c], v[(long) c * BLOCK], acc);
                } else {
                    for (int c = 0; c < d; c++) {
                        const float diff = qloc[c] - v[(long) c * BLOCK];
                        acc = fma(diff, diff, acc);
                    }
                }
                wg_topk_offer(bk, bi, ck, ci, count, k, to_key(ip, acc), ids[row]);
            }
            wg_topk_end_round(bk, bi, ck, ci, count, K, C);
        }
    }
    const long at = ((long) q * nchunks + chunk) * k;
    wg_topk_finish(bk, bi, ck, ci, count, k, K, C, outKey + at, outId + at);
}

// CPU-device shape: one work-item per (query, probe chunk), row-major lists (BLOCK = 1),
// float16 distance loop and a private top-k in the output slot.
__kernel void scan_lists_item(__global const float* vectors, __global const long* ids,
                              __global const long* listOffset, __global const long* listSize, const int d,
                              __global const float* queries, const int nq, const int ip,
                              __global const int* probes, const int nprobe, const int probesPerChunk, const int nchunks,
                              const int k, __global float* outKey, __global long* outId) {
    const long g = get_global_id(0);
    if (g >= (long) nq * nchunks) return;
    const int q = (int) (g / nchunks);
    const int chunk = (int) (g % nchunks);
    __global float* tk = outKey + g * k;
    __global long* ti = outId + g * k;
    item_topk_init(tk, ti, k);
    float thresholdKey = INFINITY;
    long thresholdId = EMPTY_ID;
    __global const float* qv = queries + (long) q * d;
    const int pEnd = min(nprobe, (chunk + 1) * probesPerChunk);
    for (int p = chunk * probesPerChunk; p < pEnd; p++) {
        const int list = probes[(long) q * nprobe + p];
        if (list < 0) continue;
        const long offset = listOffset[list];
        const long size = listSize[list];
        for (long r = 0; r < size; r++) {
            const long row = offset + r;
            const float key = to_key(ip, row_distance(ip, qv, vectors + row * d, d));
            const long id = ids[row];
            if (ranks_before(key, id, thresholdKey, thresholdId)) {
                item_topk_insert(tk, ti, k, key, id);
                thresholdKey = tk[k - 1];
                thresholdId = ti[k - 1];
            }
        }
    }
}
