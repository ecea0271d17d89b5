// IVF-PQ list scan (PqListScanner.scanPq): for each query, the lists its probes name, top-k over
// all of them, merged on the device (merge.cl), as scan_lists.cl does for IVF-Flat. Codes are
// resident as one store (DeviceCodeLists: list l at row listOffset[l], BLOCK-interleaved bytes).
//
// Distances are bit-identical to ScalarPqKernels: the table of (query q, list l) is
// listTables[l] + tableScale * queryTables[q] with the product rounded before the add (faiss
// fvec_madd as PqKernels.madd computes it, no FMA), and a code's distance starts at the probe's
// bias and adds its table entries in sub-quantiser order.
#pragma OPENCL FP_CONTRACT OFF

inline uchar code_byte(__global const uchar* codes, const long row, const int codeSize, const int b) {
    return codes[(row / BLOCK) * BLOCK * codeSize + (long) b * BLOCK + row % BLOCK];
}

// The table entry of sub-quantiser mi for code value c (ksub = 1 << nbits).
inline int entry(const int mi, const int nbits, const int c) {
    return (mi << nbits) + c;
}

// Code value of sub-quantiser mi: a byte at 8 bits, a nibble (low first, faiss PQEncoderGeneric) at 4.
inline int code_value(__global const uchar* codes, const long row, const int codeSize, const int nbits, const int mi) {
    if (nbits == 8) return code_byte(codes, row, codeSize, mi);
    const uchar b = code_byte(codes, row, codeSize, mi >> 1);
    return (mi & 1) ? (b >> 4) : (b & 15);
}

// Table entry i of (query row qt, list row lt) formed on the fly, for tables too big to stage.
inline float table_entry(__global const float* qt, __global const float* lt, const int hasListTables,
                         const float tableScale, const int i) {
    return hasListTables ? lt[i] + tableScale * qt[i] : qt[i];
}

// GPU shape: one work-group per (query, probe chunk). Per probed list the group forms the table
// in local memory (TABLE_GLOBAL: tables above local memory are formed per lookup from global
// memory instead, same arithmetic), then work-items take rows (coalesced code bytes in the
// BLOCK layout) and feed the work-group top-k of topk.cl.
__kernel void scan_pq_wg(__global const uchar* codes, __global const long* ids,
                         __global const long* listOffset, __global const long* listSize, const int codeSize,
                         const int m, const int nbits,
                         __global const float* queryTables, __global const float* listTables, const int tableScaleBits,
                         const int hasListTables, __global const float* biases, const int hasBiases,
                         const int nq, const int ip, __global const int* probes, const int nprobe,
                         const int probesPerChunk, const int nchunks, const int k, const int K, const int C,
                         __global float* outKey, __global long* outId,
                         __local float* table, __local float* bk, __local long* bi,
                         __local float* ck, __local long* ci, __local int* count) {
    const int lid = get_local_id(0);
    const int wg = get_local_size(0);
    const int group = get_group_id(0);
    const int q = group / nchunks;
    const int chunk = group % nchunks;
    const int T = m << nbits;
    const float tableScale = as_float(tableScaleBits); // passed as bits: the host binds ints and longs only
    __global const float* qt = queryTables + (long) q * T;
    wg_topk_init(bk, bi, count, K);
    barrier(CLK_LOCAL_MEM_FENCE);

    const int pEnd = min(nprobe, (chunk + 1) * probesPerChunk);
    for (int p = chunk * probesPerChunk; p < pEnd; p++) {
        const int list = probes[(long) q * nprobe + p];
        if (list < 0) continue; // uniform: every work-item reads the same probe
        const long offset = listOffset[list];
        const long size = listSize[list];
        if (size == 0) continue;
        __global const float* lt = listTables + (long) list * T;
        const float bias = hasBiases ? biases[(long) q * nprobe + p] : 0.0f;
#ifndef TABLE_GLOBAL
        barrier(CLK_LOCAL_MEM_FENCE); // the previous list's table is no longer read
        for (int i = lid; i < T; i += wg) table[i] = table_entry(qt, lt, hasListTables, tableScale, i);
        barrier(CLK_LOCAL_MEM_FENCE);
#endif
        for (long start = 0; start < size; start += wg) {
            const long r = start + lid;
            if (r < size) {
                const long row = offset + r;
                float d = bias;
                for (int mi = 0; mi < m; mi++) {
                    const int e = entry(mi, nbits, code_value(codes, row, codeSize, nbits, mi));
#ifdef TABLE_GLOBAL
                    d += table_entry(qt, lt, hasListTables, tableScale, e);
#else
                    d += table[e];
#endif
                }
                wg_topk_offer(bk, bi, ck, ci, count, k, to_key(ip, d), ids[row]);
            }
            barrier(CLK_LOCAL_MEM_FENCE);
            const int pending = *count;
            barrier(CLK_LOCAL_MEM_FENCE);
            if (pending > C - wg) wg_merge_candidates(bk, bi, ck, ci, count, pending, K, C);
        }
    }
    const int pending = *count;
    barrier(CLK_LOCAL_MEM_FENCE);
    if (pending > 0) wg_merge_candidates(bk, bi, ck, ci, count, pending, K, C);
    const long at = ((long) q * nchunks + chunk) * k;
    wg_topk_write(bk, bi, k, outKey + at, outId + at);
}

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
            float dist[8];
            vstore8(d, 0, dist);
            const int rows = (int) min((long) BLOCK, size - r0);
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
    }
}
