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
// in local memory (unless tableInLocal is 0: tables above local memory are formed per lookup from
// global memory instead, same arithmetic; a kernel argument, not a build option, since a PoCL
// build of this kernel takes tens of seconds), then work-items take rows (coalesced code bytes in the
// BLOCK layout) and feed the work-group top-k of topk.cl.
__kernel void scan_pq_wg(__global const uchar* codes, __global const long* ids,
                         __global const long* listOffset, __global const long* listSize, const int codeSize,
                         const int m, const int nbits,
                         __global const float* queryTables, __global const float* listTables, const int tableScaleBits,
                         const int hasListTables, __global const float* biases, const int hasBiases, const int tableInLocal,
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
        if (tableInLocal) {
            barrier(CLK_LOCAL_MEM_FENCE); // the previous list's table is no longer read
            for (int i = lid; i < T; i += wg) table[i] = table_entry(qt, lt, hasListTables, tableScale, i);
            barrier(CLK_LOCAL_MEM_FENCE);
        }
        for (long start = 0; start < size; start += wg) {
            const long r = start + lid;
            if (r < size) {
                const long row = offset + r;
                float d = bias;
                if (tableInLocal) {
                    for (int mi = 0; mi < m; mi++) d += table[entry(mi, nbits, code_value(codes, row, codeSize, nbits, mi))];
                } else {
                    for (int mi = 0; mi < m; mi++) {
                        d += table_entry(qt, lt, hasListTables, tableScale, entry(mi, nbits, code_value(codes, row, codeSize, nbits, mi)));
                    }
                }
                wg_topk_offer(bk, bi, ck, ci, count, k, to_key(ip, d), ids[row]);
            }
            wg_topk_end_round(bk, bi, ck, ci, count, K, C);
        }
    }
    const long at = ((long) q * nchunks + chunk) * k;
    wg_topk_finish(bk, bi, ck, ci, count, k, K, C, outKey + at, outId + at);
}
