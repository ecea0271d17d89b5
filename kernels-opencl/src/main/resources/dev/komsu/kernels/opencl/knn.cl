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

    // Query rows padded to whole float4s, so each local load fetches 4 coordinates: a 4x cut in
    // local-memory instructions, which otherwise bound this loop about as tightly as DRAM does
    // (bench/GPU.md).
    const int dq = (d + 3) & ~3;
    for (int t = lid; t < QB * dq; t += wg) {
        const int s = t / dq;
        const int c = t - s * dq;
        qloc[t] = q0 + s < nq && c < d ? queries[(long) (q0 + s) * d + c] : 0.0f;
    }
    for (int s = 0; s < QB; s++) wg_topk_init(bk + s * K, bi + s * K, counts + s, K);
    barrier(CLK_LOCAL_MEM_FENCE);

    const int d4 = d & ~3;
    for (long start = rowStart; start < rowEnd; start += wg) {
        const long row = start + lid;
        const bool valid = row < rowEnd;
        float acc[QB];
        for (int s = 0; s < QB; s++) acc[s] = 0.0f;
        if (valid) {
            // Coordinates are accumulated strictly in order, so every row of the base gets the
            // same rounding (identical rows give bit-identical distances).
            __global const float* v = base + (row / BLOCK) * BLOCK * d + row % BLOCK;
            if (ip) {
                for (int c = 0; c < d4; c += 4) {
                    const float4 x = (float4) (v[(long) c * BLOCK], v[(long) (c + 1) * BLOCK],
                                               v[(long) (c + 2) * BLOCK], v[(long) (c + 3) * BLOCK]);
                    for (int s = 0; s < QB; s++) {
                        const float4 q = vload4(0, qloc + s * dq + c);
                        acc[s] = fma(q.w, x.w, fma(q.z, x.z, fma(q.y, x.y, fma(q.x, x.x, acc[s]))));
                    }
                }
                for (int c = d4; c < d; c++) {
                    const float x = v[(long) c * BLOCK];
                    for (int s = 0; s < QB; s++) acc[s] = fma(qloc[s * dq + c], x, acc[s]);
                }
            } else {
                for (int c = 0; c < d4; c += 4) {
                    const float4 x = (float4) (v[(long) c * BLOCK], v[(long) (c + 1) * BLOCK],
                                               v[(long) (c + 2) * BLOCK], v[(long) (c + 3) * BLOCK]);
                    for (int s = 0; s < QB; s++) {
                        const float4 diff = vload4(0, qloc + s * dq + c) - x;
                        acc[s] = fma(diff.w, diff.w, fma(diff.z, diff.z, fma(diff.y, diff.y, fma(diff.x, diff.x, acc[s]))));
                    }
                }
                for (int c = d4; c < d; c++) {
                    const float x = v[(long) c * BLOCK];
                    for (int s = 0; s < QB; s++) {
                        const float diff = qloc[s * dq + c] - x;
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

// CPU-device shape. One work-item = QB consecutive queries x one slice of a row-major base
// (BLOCK = 1): each row is loaded once (float16 loads) for QB queries, which cuts the memory
// traffic that made one query per work-item memory-bound on PoCL, and each query keeps a private
// sorted top-k in its output slot. Work-group barriers and local memory cost more than they save
// on a CPU device (see row_distance in topk.cl).
__kernel void knn_item(__global const float* base, const long n, const int d,
                       __global const float* queries, const int nq, const int ip,
                       const long sliceRows, const int nslices, const int k,
                       __global float* outKey, __global long* outId) {
    const long g = get_global_id(0);
    const long groups = ((long) nq + QB - 1) / QB;
    if (g >= groups * nslices) return;
    const int q0 = (int) (g / nslices) * QB;
    const int slice = (int) (g % nslices);
    const int nqHere = min(QB, nq - q0);
    const long rowStart = slice * sliceRows;
    const long rowEnd = min(n, rowStart + sliceRows);
    float thresholdKey[QB];
    long thresholdId[QB];
    for (int s = 0; s < nqHere; s++) {
        const long at = ((long) (q0 + s) * nslices + slice) * k;
        item_topk_init(outKey + at, outId + at, k);
        thresholdKey[s] = INFINITY;
        thresholdId[s] = EMPTY_ID;
    }
    __global const float* qv = queries + (long) q0 * d;
    const int d16 = d & ~15;
    for (long row = rowStart; row < rowEnd; row++) {
        __global const float* v = base + row * d;
        float16 acc[QB];
        float tail[QB];
        for (int s = 0; s < QB; s++) {
            acc[s] = (float16) (0.0f);
            tail[s] = 0.0f;
        }
        if (ip) {
            for (int c = 0; c < d16; c += 16) {
                const float16 x = vload16(0, v + c);
                for (int s = 0; s < QB; s++) acc[s] = fma(vload16(0, qv + s * d + c), x, acc[s]);
            }
            for (int c = d16; c < d; c++) {
                for (int s = 0; s < QB; s++) tail[s] = fma(qv[s * d + c], v[c], tail[s]);
            }
        } else {
            for (int c = 0; c < d16; c += 16) {
                const float16 x = vload16(0, v + c);
                for (int s = 0; s < QB; s++) {
                    const float16 diff = vload16(0, qv + s * d + c) - x;
                    acc[s] = fma(diff, diff, acc[s]);
                }
            }
            for (int c = d16; c < d; c++) {
                for (int s = 0; s < QB; s++) {
                    const float diff = qv[s * d + c] - v[c];
                    tail[s] = fma(diff, diff, tail[s]);
                }
            }
        }
        for (int s = 0; s < nqHere; s++) {
            // the same reduction order as row_distance, so both kernels give identical sums
            const float8 s8 = acc[s].lo + acc[s].hi;
            const float4 s4 = s8.lo + s8.hi;
            const float key = to_key(ip, ((s4.x + s4.y) + (s4.z + s4.w)) + tail[s]);
            if (ranks_before(key, row, thresholdKey[s], thresholdId[s])) {
                const long at = ((long) (q0 + s) * nslices + slice) * k;
                item_topk_insert(outKey + at, outId + at, k, key, row);
                thresholdKey[s] = outKey[at + k - 1];
                thresholdId[s] = outId[at + k - 1];
            }
        }
    }
}
