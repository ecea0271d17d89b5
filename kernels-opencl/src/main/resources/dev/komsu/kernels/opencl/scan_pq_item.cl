// IVF-PQ list scan, per-work-item kernel (CPU-device shape). Inputs, layouts, outputs and why the
// distances are bit-identical to ScalarPqKernels: see scan_pq.cl (the work-group kernel).
#pragma OPENCL FP_CONTRACT OFF

// Sub-quantiser mi's code values of the 8 rows of a block (BLOCK = 8 interleave).
inline uchar8 codes8(__global const uchar* blk, const int mi, const int nbits) {
    if (nbits == 8) return vload8(mi, blk);
    const uchar8 b = vload8(mi >> 1, blk);
    return (mi & 1) ? (b >> (uchar8) (4)) : (b & (uchar8) (15));
}

inline float8 gather8(__global const float* t, const uchar8 c) {
    return (float8) (t[c.s0], t[c.s1], t[c.s2], t[c.s3], t[c.s4], t[c.s5], t[c.s6], t[c.s7]);
}

// CPU-device shape: one work-item per (query, probe chunk) for queries [q0, q0 + nqLaunch), a
// private top-k in the output slot. Codes are interleaved in blocks of BLOCK = 8 rows, and a
// work-item sums the 8 rows of a block at once, one lane per row (each lane still adds in
// sub-quantiser order, so the result stays bit-identical): PoCL maps the float8 to one AVX
// register, and the 8 independent sums replace one serial chain of adds. With list tables, each
// work-item forms its table per probed list in its own slice of `scratch` (T floats), or, for
// short lists, each entry at its lookup.
__kernel void scan_pq_item(__global const uchar* codes, __global const long* ids,
                           __global const long* listOffset, __global const long* listSize, const int codeSize,
                           const int m, const int nbits,
                           __global const float* queryTables, __global const float* listTables, const int tableScaleBits,
                           const int hasListTables, __global const float* biases, const int hasBiases,
                           const int q0, const int nqLaunch, const int ip, __global const int* probes, const int nprobe,
                           const int probesPerChunk, const int nchunks, const int k,
                           __global float* outKey, __global long* outId, __global float* scratch) {
    const long g = get_global_id(0);
    if (g >= (long) nqLaunch * nchunks) return;
    const int q = q0 + (int) (g / nchunks);
    const int chunk = (int) (g % nchunks);
    const int T = m << nbits;
    const float tableScale = as_float(tableScaleBits); // passed as bits: the host binds ints and longs only
    const long slot = (long) q * nchunks + chunk;
    __global float* tk = outKey + slot * k;
    __global long* ti = outId + slot * k;
    item_topk_init(tk, ti, k);
    float thresholdKey = INFINITY;
    long thresholdId = EMPTY_ID;
    __global const float* qt = queryTables + (long) q * T;
    __global float* own = scratch + g * T;
    const int pEnd = min(nprobe, (chunk + 1) * probesPerChunk);
    for (int p = chunk * probesPerChunk; p < pEnd; p++) {
        const int list = probes[(long) q * nprobe + p];
        if (list < 0) continue;
        const long offset = listOffset[list];
        const long size = listSize[list];
        if (size == 0) continue;
        __global const float* lt = listTables + (long) list * T;
        // A list of fewer rows than table entries per sub-quantiser costs fewer operations with
        // the entries formed per lookup than with the whole table formed first (RVC-sized lists
        // of ~100 rows against 256 entries); both round alike, so the choice is free.
        const int direct = hasListTables && size < (1L << nbits);
        __global const float* table = qt;
        if (hasListTables && !direct) {
            for (int i = 0; i < T; i++) own[i] = lt[i] + tableScale * qt[i];
            table = own;
        }
        const float bias = hasBiases ? biases[(long) q * nprobe + p] : 0.0f;
        for (long r0 = 0; r0 < size; r0 += BLOCK) {
            // offset is a multiple of BLOCK: rows r0 .. r0+7 form one block; rows past size are padding
            __global const uchar* blk = codes + (offset + r0) * codeSize;
            float8 d = (float8) (bias);
            if (direct) {
                for (int mi = 0; mi < m; mi++) {
                    const uchar8 c = codes8(blk, mi, nbits);
                    const int at = mi << nbits;
                    d += gather8(lt + at, c) + tableScale * gather8(qt + at, c);
                }
            } else {
                for (int mi = 0; mi < m; mi++) d += gather8(table + (mi << nbits), codes8(blk, mi, nbits));
            }
            item_offer_block(tk, ti, k, ip, d, (int) min((long) BLOCK, size - r0), ids + offset + r0,
                             &thresholdKey, &thresholdId);
        }
    }
}
