// IVF-PQ codec of ivf_scan.cl (PqListScanner.scanPq / searchPq): codes of m sub-quantisers at
// nbits (8: a byte each; 4: nibbles, low first, faiss PQEncoderGeneric), BLOCK-interleaved bytes
// (DeviceListStore), a table of T = m << nbits floats per query.
//
// Distances are bit-identical to ScalarPqKernels: the table of (query q, list l) is
// listTables[l] + tableScale * queryTables[q] with the product rounded before the add (faiss
// fvec_madd as PqKernels.madd computes it, no FMA), and a code's distance starts at the probe's
// bias and adds its table entries in sub-quantiser order.
#pragma OPENCL FP_CONTRACT OFF

#define CODE_T uchar
// tableScale is passed as bits: the host binds ints and longs only. tableInLocal (work-group
// shape) is 0 when the table does not fit local memory beside the top-k: entries are then formed
// per lookup from global memory, same arithmetic; an argument, not a build option, since a PoCL
// build of the work-group kernel takes tens of seconds.
#define CODEC_ARGS const int codeSize, const int m, const int nbits, \
        __global const float* queryTables, __global const float* listTables, const int tableScaleBits, \
        const int hasListTables, const int tableInLocal

inline uchar code_byte(__global const uchar* codes, const long row, const int codeSize, const int b) {
    return codes[(row / BLOCK) * BLOCK * codeSize + (long) b * BLOCK + row % BLOCK];
}

// Code value of sub-quantiser mi.
inline int code_value(__global const uchar* codes, const long row, const int codeSize, const int nbits, const int mi) {
    if (nbits == 8) return code_byte(codes, row, codeSize, mi);
    const uchar b = code_byte(codes, row, codeSize, mi >> 1);
    return (mi & 1) ? (b >> 4) : (b & 15);
}

// Table entry i of (query row qt, list row lt) formed on the fly.
inline float table_entry(__global const float* qt, __global const float* lt, const int hasListTables,
                         const float tableScale, const int i) {
    return hasListTables ? lt[i] + tableScale * qt[i] : qt[i];
}

// ---- work-group shape: the group forms each probed list's table in local memory (when it fits)
#define CODEC_WG_LOCALS __local float* table

inline float pq_distance_wg(__global const uchar* codes, const long row, const int codeSize, const int m,
                            const int nbits, __local const float* table, const int tableInLocal,
                            __global const float* qt, __global const float* lt, const int hasListTables,
                            const float tableScale, const float bias) {
    float d = bias;
    if (tableInLocal) {
        for (int mi = 0; mi < m; mi++) d += table[(mi << nbits) + code_value(codes, row, codeSize, nbits, mi)];
    } else {
        for (int mi = 0; mi < m; mi++) {
            d += table_entry(qt, lt, hasListTables, tableScale, (mi << nbits) + code_value(codes, row, codeSize, nbits, mi));
        }
    }
    return d;
}

#define CODEC_WG_QUERY \
    const int T = m << nbits; \
    const float tableScale = as_float(tableScaleBits); \
    __global const float* qt = queryTables + (long) q * T;
#define CODEC_WG_LIST \
    __global const float* lt = listTables + (long) list * T; \
    if (tableInLocal) { \
        barrier(CLK_LOCAL_MEM_FENCE); /* the previous list's table is no longer read */ \
        for (int i = lid; i < T; i += wg) table[i] = table_entry(qt, lt, hasListTables, tableScale, i); \
        barrier(CLK_LOCAL_MEM_FENCE); \
    }
#define CODEC_WG_DISTANCE(row, bias) \
    pq_distance_wg(codes, row, codeSize, m, nbits, table, tableInLocal, qt, lt, hasListTables, tableScale, bias)

// ---- per-item shape: BLOCK = ITEM_ROWS = 8, the 8 rows of a block summed at once, one lane per
// row (each lane still adds in sub-quantiser order: bit-identical). With list tables, each
// work-item forms its table per probed list in its own slice of `scratch` (T floats), or, for
// lists of fewer rows than entries per sub-quantiser (RVC-sized lists of ~100 rows against 256),
// each entry at its lookup: fewer operations, same rounding.
#define ITEM_ROWS 8

// Sub-quantiser mi's code values of the 8 rows of a block.
inline uchar8 codes8(__global const uchar* blk, const int mi, const int nbits) {
    if (nbits == 8) return vload8(mi, blk);
    const uchar8 b = vload8(mi >> 1, blk);
    return (mi & 1) ? (b >> (uchar8) (4)) : (b & (uchar8) (15));
}

inline float8 gather8(__global const float* t, const uchar8 c) {
    return (float8) (t[c.s0], t[c.s1], t[c.s2], t[c.s3], t[c.s4], t[c.s5], t[c.s6], t[c.s7]);
}

inline float8 pq_distances8(__global const uchar* blk, const int m, const int nbits, const int direct,
                            __global const float* table, __global const float* qt, __global const float* lt,
                            const float tableScale, const float bias) {
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
    return d;
}

#define CODEC_ITEM_QUERY \
    const int T = m << nbits; \
    const float tableScale = as_float(tableScaleBits); \
    __global const float* qt = queryTables + (long) q * T; \
    __global float* own = scratch + g * T;
#define CODEC_ITEM_LIST \
    __global const float* lt = listTables + (long) list * T; \
    const int direct = hasListTables && size < (1L << nbits); \
    __global const float* table = qt; \
    if (hasListTables && !direct) { \
        for (int i = 0; i < T; i++) own[i] = lt[i] + tableScale * qt[i]; \
        table = own; \
    }
#define CODEC_ITEM_DISTANCES(dist, r0, bias) \
    vstore8(pq_distances8(codes + (offset + (r0)) * codeSize, m, nbits, direct, table, qt, lt, tableScale, bias), 0, dist);
