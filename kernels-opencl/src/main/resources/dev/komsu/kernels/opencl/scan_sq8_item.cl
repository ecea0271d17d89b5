// IVF-SQ8 list scan, per-work-item kernel (CPU-device shape). Inputs, layouts, outputs and why the
// distances are bit-identical to ScalarPqKernels: see scan_sq8.cl (the work-group kernel).
#pragma OPENCL FP_CONTRACT OFF

// CPU-device shape: one work-item per (query, probe chunk), private top-k. Codes are interleaved
// in blocks of BLOCK = 8 rows and a work-item decodes and sums the 8 rows of a block at once, one
// lane per row (each lane adds in component order: bit-identical, and 8 independent chains
// instead of one). The residual is formed per component on the fly (the same rounded subtraction).
__kernel void scan_sq8_item(__global const uchar* codes, __global const long* ids,
                            __global const long* listOffset, __global const long* listSize, const int d,
                            __global const float* queries, __global const float* centroids, const int hasCentroids,
                            __global const float* vmin, __global const float* vdiff, __global const float* unit,
                            __global const float* biases, const int hasBiases,
                            const int nq, const int ip, __global const int* probes, const int nprobe,
                            const int probesPerChunk, const int nchunks, const int k,
                            __global float* outKey, __global long* outId) {
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
        if (size == 0) continue;
        const float bias = hasBiases ? biases[(long) q * nprobe + p] : 0.0f;
        __global const float* cent = centroids + (long) list * d;
        for (long r0 = 0; r0 < size; r0 += BLOCK) {
            // offset is a multiple of BLOCK: rows r0 .. r0+7 form one block; rows past size are padding
            __global const uchar* blk = codes + (offset + r0) * d;
            float8 acc = (float8) (0.0f);
            for (int c = 0; c < d; c++) {
                const float qc = hasCentroids ? qv[c] - cent[c] : qv[c];
                const uchar8 b = vload8(c, blk);
                const float8 u = (float8) (unit[b.s0], unit[b.s1], unit[b.s2], unit[b.s3],
                                           unit[b.s4], unit[b.s5], unit[b.s6], unit[b.s7]);
                const float8 x = vmin[c] + u * vdiff[c];
                if (ip) {
                    acc += qc * x;
                } else {
                    const float8 diff = qc - x;
                    acc += diff * diff;
                }
            }
            item_offer_block(tk, ti, k, ip, bias + acc, (int) min((long) BLOCK, size - r0), ids + offset + r0,
                             &thresholdKey, &thresholdId);
        }
    }
}
