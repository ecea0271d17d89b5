// IVF-SQ8 codec of ivf_scan.cl (PqListScanner.scanSq8): faiss QT_8bit codes of d bytes,
// BLOCK-interleaved (DeviceListStore), component c of a code decoding to
// vmin[c] + ((code + 0.5) / 255) * vdiff[c]; the query used in list l is q, or q - centroids[l]
// (L2 by residual) when hasCentroids.
//
// Bit-identical to ScalarPqKernels.scanSq8: the host passes unit[c] = (c + 0.5f) / 255f as
// computed in Java (so no device division, whose rounding OpenCL leaves loose), each term is
// computed with every operation rounded (no FMA) and added in component order starting at 0,
// and the probe's bias is added last.
#pragma OPENCL FP_CONTRACT OFF

#define CODE_T uchar
#define CODEC_ARGS const int d, __global const float* queries, __global const float* centroids, \
        const int hasCentroids, __global const float* vmin, __global const float* vdiff, __global const float* unit

// ---- work-group shape: the decode constants and, per probed list, the (residual) query sit in local memory
#define CODEC_WG_LOCALS __local float* qloc, __local float* minloc, __local float* difloc, __local float* unitloc

inline uchar sq8_byte(__global const uchar* codes, const long row, const int d, const int c) {
    return codes[(row / BLOCK) * BLOCK * d + (long) c * BLOCK + row % BLOCK];
}

inline float sq8_distance_wg(__global const uchar* codes, const long row, const int d, const int ip,
                             __local const float* qloc, __local const float* minloc, __local const float* difloc,
                             __local const float* unitloc, const float bias) {
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
    return bias + acc;
}

#define CODEC_WG_QUERY \
    __global const float* qv = queries + (long) q * d; \
    for (int t = lid; t < d; t += wg) { \
        minloc[t] = vmin[t]; \
        difloc[t] = vdiff[t]; \
    } \
    for (int t = lid; t < 256; t += wg) unitloc[t] = unit[t];
#define CODEC_WG_LIST \
    barrier(CLK_LOCAL_MEM_FENCE); /* the previous list's query is no longer read */ \
    for (int t = lid; t < d; t += wg) qloc[t] = hasCentroids ? qv[t] - centroids[(long) list * d + t] : qv[t]; \
    barrier(CLK_LOCAL_MEM_FENCE);
#define CODEC_WG_DISTANCE(row, bias) sq8_distance_wg(codes, row, d, ip, qloc, minloc, difloc, unitloc, bias)

// ---- per-item shape: BLOCK = ITEM_ROWS = 8, the 8 rows of a block decoded and summed at once,
// one lane per row (each lane adds in component order: bit-identical); the residual is formed
// per component on the fly (the same rounded subtraction).
#define ITEM_ROWS 8

inline float8 sq8_distances8(__global const uchar* blk, const int d, const int ip, __global const float* qv,
                             __global const float* cent, const int hasCentroids, __global const float* vmin,
                             __global const float* vdiff, __global const float* unit, const float bias) {
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
    return bias + acc;
}

#define CODEC_ITEM_QUERY __global const float* qv = queries + (long) q * d;
#define CODEC_ITEM_LIST __global const float* cent = centroids + (long) list * d;
#define CODEC_ITEM_DISTANCES(dist, r0, bias) \
    vstore8(sq8_distances8(codes + (offset + (r0)) * d, d, ip, qv, cent, hasCentroids, vmin, vdiff, unit, bias), 0, dist);
