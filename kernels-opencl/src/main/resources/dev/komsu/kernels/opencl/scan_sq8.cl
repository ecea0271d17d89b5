// IVF-SQ8 list scan (PqListScanner.scanSq8): faiss QT_8bit codes of d bytes, component c of a
// code decoding to vmin[c] + ((code + 0.5) / 255) * vdiff[c]. Lists, probes, chunks and the
// top-k are those of scan_pq.cl; the query used in list l is q, or q - centroids[l] (L2 by
// residual) when hasCentroids.
//
// Bit-identical to ScalarPqKernels.scanSq8: the host passes unit[c] = (c + 0.5f) / 255f as
// computed in Java (so no device division, whose rounding OpenCL leaves loose), each term is
// computed with every operation rounded (no FMA) and added in component order starting at 0,
// and the probe's bias is added last.
#pragma OPENCL FP_CONTRACT OFF

inline uchar sq8_byte(__global const uchar* codes, const long row, const int d, const int c) {
    return codes[(row / BLOCK) * BLOCK * d + (long) c * BLOCK + row % BLOCK];
}

// GPU shape: one work-group per (query, probe chunk); the decode constants and, per probed list,
// the (residual) query sit in local memory; work-items take rows (coalesced code bytes in the
// BLOCK layout) and feed the work-group top-k of topk.cl.
__kernel void scan_sq8_wg(__global const uchar* codes, __global const long* ids,
                          __global const long* listOffset, __global const long* listSize, const int d,
                          __global const float* queries, __global const float* centroids, const int hasCentroids,
                          __global const float* vmin, __global const float* vdiff, __global const float* unit,
                          __global const float* biases, const int hasBiases,
                          const int nq, const int ip, __global const int* probes, const int nprobe,
                          const int probesPerChunk, const int nchunks, const int k, const int K, const int C,
                          __global float* outKey, __global long* outId,
                          __local float* qloc, __local float* minloc, __local float* difloc, __local float* unitloc,
                          __local float* bk, __local long* bi, __local float* ck, __local long* ci, __local int* count) {
    const int lid = get_local_id(0);
    const int wg = get_local_size(0);
    const int group = get_group_id(0);
    const int q = group / nchunks;
    const int chunk = group % nchunks;
    __global const float* qv = queries + (long) q * d;
    for (int t = lid; t < d; t += wg) {
        minloc[t] = vmin[t];
        difloc[t] = vdiff[t];
    }
    for (int t = lid; t < 256; t += wg) unitloc[t] = unit[t];
    wg_topk_init(bk, bi, count, K);
    barrier(CLK_LOCAL_MEM_FENCE);

    const int pEnd = min(nprobe, (chunk + 1) * probesPerChunk);
    for (int p = chunk * probesPerChunk; p < pEnd; p++) {
        const int list = probes[(long) q * nprobe + p];
        if (list < 0) continue; // uniform: every work-item reads the same probe
        const long offset = listOffset[list];
        const long size = listSize[list];
        if (size == 0) continue;
        const float bias = hasBiases ? biases[(long) q * nprobe + p] : 0.0f;
        barrier(CLK_LOCAL_MEM_FENCE); // the previous list's query is no longer read
        for (int t = lid; t < d; t += wg) qloc[t] = hasCentroids ? qv[t] - centroids[(long) list * d + t] : qv[t];
        barrier(CLK_LOCAL_MEM_FENCE);
        for (long start = 0; start < size; start += wg) {
            const long r = start + lid;
            if (r < size) {
                const long row = offset + r;
                float acc = 0.0f;
                if (ip) {
                    for (int c = 0; c < d; c++) {
                        const float x = minloc[c] + unitloc[sq8_byte(codes, row, d, c)] * difloc[c];
                        acc += qloc[c] * x;
                    }
                } else {
                    for (int c = 0; c < d; c++) {
                        const float x = minloc[c] + unitloc[sq8_byte(codes, row, d, c)] * difloc[c];
                        const float diff = qloc[c] - x;
                        acc += diff * diff;
                    }
                }
                wg_topk_offer(bk, bi, ck, ci, count, k, to_key(ip, bias + acc), ids[row]);
            }
            wg_topk_end_round(bk, bi, ck, ci, count, K, C);
        }
    }
    const long at = ((long) q * nchunks + chunk) * k;
    wg_topk_finish(bk, bi, ck, ci, count, k, K, C, outKey + at, outId + at);
}
