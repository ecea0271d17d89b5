// Exact k-NN: distances and top-k fused, the base visited once per group of queries, results
// left on the device as sorted partial lists, one per (query, base slice); merge.cl joins them.
// Nothing of size nq x n is ever written.
//
// Output layout of both kernels: partial list of (query q, slice s) at (q * nslices + s) * k.

#ifndef QB
#define QB 1
#endif

// GPU shape. One work-group = QB consecutive queries x one slice of base rows. The queries sit in
// local memory (every work-item reads the same address: a broadcast); work-item t computes the
// distances of rows t, t+WG, ... to all QB queries, so each base value loaded from global memory
// feeds QB fused multiply-adds from registers. Base is in the blocked layout (layout.cl), so the
// loads are coalesced. Each query keeps a work-group top-k in local memory (topk.cl).
__kernel void knn_wg(__global const float* base, const long n, const int d,
                     __global const float* queries, const int nq, const int ip,
                     const long sliceRows, const int nslices, const int k, const int K, const int C,
                     __global float* outKey, __global long* outId,
                     __local float* qloc, __local float* bk, __local long* bi,
                     __local float* ck, __local long* ci, __local int* counts) {
    const int lid = get_local_id(0);
    const int wg = get_local_size(0);
    const int group = get_group_id(0);
    const int slice = group % nslices;
    const int q0 = (group / nslices) * QB;
    const long rowStart = slice * sliceRows;
    const long rowEnd = min(n, rowStart + sliceRows);

    for (int t = lid; t < QB * d; t += wg) {
        const int s = t / d;
        qloc[t] = q0 + s < nq ? queries[(long) q0 * d + t] : 0.0f;
    }
    for (int s = 0; s < QB; s++) wg_topk_init(bk + s * K, bi + s * K, counts + s, K);
    barrier(CLK_LOCAL_MEM_FENCE);

    for (long start = rowStart; start < rowEnd; start += wg) {
        const long row = start + lid;
        const bool valid = row < rowEnd;
        float acc[QB];
        for (int s = 0; s < QB; s++) acc[s] = 0.0f;
        if (valid) {
            __global const float* v = base + (row / BLOCK) * BLOCK * d + row % BLOCK;
            if (ip) {
                for (int c = 0; c < d; c++) {
                    const float x = v[(long) c * BLOCK];
                    for (int s = 0; s < QB; s++) acc[s] = fma(qloc[s * d + c], x, acc[s]);
                }
            } else {
                for (int c = 0; c < d; c++) {
                    const float x = v[(long) c * BLOCK];
                    for (int s = 0; s < QB; s++) {
                        const float diff = qloc[s * d + c] - x;
                        acc[s] = fma(diff, diff, acc[s]);
                    }
                }
            }
        }
        for (int s = 0; s < QB; s++) {
            if (valid && q0 + s < nq) {
                wg_topk_offer(bk + s * K, bi + s * K, ck + s * C, ci + s * C, counts + s, k, to_key(ip, acc[s]), row);
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        int pending[QB];
        for (int s = 0; s < QB; s++) pending[s] = counts[s];
        barrier(CLK_LOCAL_MEM_FENCE); // everyone has read the counts before any merge resets them
        for (int s = 0; s < QB; s++) {
            // pending is uniform across the group, so every work-item takes the same branch
            if (pending[s] > C - wg) wg_merge_candidates(bk + s * K, bi + s * K, ck + s * C, ci + s * C, counts + s, pending[s], K, C);
        }
    }
    for (int s = 0; s < QB; s++) {
        const int pending = counts[s];
        if (pending > 0) wg_merge_candidates(bk + s * K, bi + s * K, ck + s * C, ci + s * C, counts + s, pending, K, C);
    }
    for (int s = 0; s < QB; s++) {
        if (q0 + s >= nq) break;
        const long at = ((long) (q0 + s) * nslices + slice) * k;
        wg_topk_write(bk + s * K, bi + s * K, k, outKey + at, outId + at);
    }
}

// CPU-device shape. One work-item = one query x one slice of a row-major base (BLOCK = 1), with
// float16 loads and a private sorted top-k kept in its output slot. Work-group barriers and
// local memory cost more than they save on a CPU device (see row_distance in topk.cl).
__kernel void knn_item(__global const float* base, const long n, const int d,
                       __global const float* queries, const int nq, const int ip,
                       const long sliceRows, const int nslices, const int k,
                       __global float* outKey, __global long* outId) {
    const long g = get_global_id(0);
    if (g >= (long) nq * nslices) return;
    const int q = (int) (g / nslices);
    const int slice = (int) (g % nslices);
    const long rowStart = slice * sliceRows;
    const long rowEnd = min(n, rowStart + sliceRows);
    __global float* tk = outKey + g * k;
    __global long* ti = outId + g * k;
    item_topk_init(tk, ti, k);
    float thresholdKey = INFINITY;
    long thresholdId = EMPTY_ID;
    __global const float* qv = queries + (long) q * d;
    for (long row = rowStart; row < rowEnd; row++) {
        const float key = to_key(ip, row_distance(ip, qv, base + row * d, d));
        if (ranks_before(key, row, thresholdKey, thresholdId)) {
            item_topk_insert(tk, ti, k, key, row);
            thresholdKey = tk[k - 1];
            thresholdId = ti[k - 1];
        }
    }
}
