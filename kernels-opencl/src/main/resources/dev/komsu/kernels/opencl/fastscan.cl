// 4-bit FastScan search over resident block lists (faiss's IVF FastScan, search_implem_12).
//
// Lists are resident as one concatenated store: list l starts at block listBlock[l] (blocks of
// 32 vectors, 16 * m2 bytes each, faiss's pq4 interleave: for each pair of sub-quantisers a
// group of 32 bytes, byte p of its first half holding sub-quantiser 2g, of its second half
// 2g+1; the low nibble for vector v(p), the high nibble for vector 16 + v(p), where
// v(p) = p/2 for even p and 8 + p/2 for odd p) and its ids sit at vector 32 * listBlock[l].
//
// A batch is flattened into slots: one slot per (query, probed non-empty list), a query's slots
// contiguous and sorted by list number (the CPU's scan order). Slot s scans list slotList[s] with
// table slotTable[s] and bias slotBias[s], writing one uint16 key per vector (padded to whole
// blocks) at keys[slotKey[s]].
//
// Selection reproduces faiss's HeapHandler (QuantizedTopK on the host) exactly, ties included:
// with K the k-th smallest key of the query, candidates above K can never change which entries
// the heap ends with (they only ever replace slots that are above K themselves), so replaying
// the heap over the candidates with key <= K, in scan order, gives the CPU's result.

#define QEMPTY 0xffff

// ---- faiss HeapHandler (QuantizedTopK), one query, in global memory ------------------------

inline bool q_after(const int ka, const long ia, const int kb, const long ib) {
    return ka > kb || (ka == kb && ia > ib);
}

void q_sift_down(__global int* keys, __global long* ids, const int size, const int key, const long id) {
    int i = 0;
    while (true) {
        const int l = 2 * i + 1;
        if (l >= size) break;
        const int r = l + 1;
        const int c = (r >= size || q_after(keys[l], ids[l], keys[r], ids[r])) ? l : r;
        if (q_after(key, id, keys[c], ids[c])) break;
        keys[i] = keys[c];
        ids[i] = ids[c];
        i = c;
    }
    keys[i] = key;
    ids[i] = id;
}

void q_init(__global int* keys, __global long* ids, const int k) {
    for (int t = 0; t < k; t++) {
        keys[t] = QEMPTY;
        ids[t] = -1;
    }
}

inline void q_offer(__global int* keys, __global long* ids, const int k, const int key, const long id) {
    if (key < keys[0]) q_sift_down(keys, ids, k, key, id);
}

// faiss's heap_reorder: best first.
void q_sort(__global int* keys, __global long* ids, const int k) {
    for (int end = k - 1; end > 0; end--) {
        const int key = keys[end];
        const long id = ids[end];
        keys[end] = keys[0];
        ids[end] = ids[0];
        q_sift_down(keys, ids, end, key, id);
    }
}

// The bin holding the rank-th smallest (rank >= 1) of 256 counts, and the rank left inside it;
// bin 256 when the counts hold fewer.
inline int2 fs_bin_of_rank(const int* hist, int rank) {
    for (int b = 0; b < 256; b++) {
        if (rank <= hist[b]) return (int2) (b, rank);
        rank -= hist[b];
    }
    return (int2) (256, 0);
}

// ---- accumulation ------------------------------------------------------------------------

// Byte position of vector j's codes inside a 16-byte half group.
inline int fs_pos(const int j) {
    const int v = j & 15;
    return v < 8 ? 2 * v : 2 * (v - 8) + 1;
}

// GPU shape: one work-group per slot, its table in local memory, one work-item per vector
// (lanes j and j+16 read the same byte: a warp reads each 32-byte group once). Padding vectors
// of the last block are computed and stored like the others (never read), so the loop has no
// per-vector branch; only the last round of a list can leave items idle.
__kernel void fs_accumulate_wg(__global const uchar* codes, __global const long* listBlock,
                               __global const long* listSize, const int m2, __global const uchar* luts,
                               __global const int* slotList, __global const int* slotTable,
                               __global const int* slotBias, __global const long* slotKey,
                               __global ushort* keys, __local uchar* lut) {
    const int s = get_group_id(0);
    const int lid = get_local_id(0);
    const int wg = get_local_size(0);
    const int tb = m2 * 16;
    __global const uchar* table = luts + (long) slotTable[s] * tb;
    for (int t = lid; t < tb; t += wg) lut[t] = table[t];
    barrier(CLK_LOCAL_MEM_FENCE);
    const int list = slotList[s];
    const long padded = (listSize[list] + 31) & ~31L;
    const uint bias = (uint) slotBias[s];
    __global const uchar* lc = codes + listBlock[list] * 16 * m2;
    __global ushort* out = keys + slotKey[s];
    for (long v = lid; v < padded; v += wg) {
        const int j = (int) (v & 31);
        const int shift = j < 16 ? 0 : 4;
        __global const uchar* b = lc + (v >> 5) * 16 * m2 + fs_pos(j);
        uint sum = bias;
        for (int g = 0; g < (m2 >> 1); g++) {
            const uint c0 = (b[g * 32] >> shift) & 15;
            const uint c1 = (b[g * 32 + 16] >> shift) & 15;
            sum += (uint) lut[g * 32 + c0] + (uint) lut[g * 32 + 16 + c1];
        }
        out[v] = (ushort) sum; // modulo 2^16, as faiss's 16-bit lanes
    }
}

// CPU-device shape: one work-item per slot, faiss's SIMD trick in OpenCL vectors: the 16 table
// entries of a sub-quantiser are one uchar16, looked up for 16 vectors at once by shuffle
// (pshufb), summed in ushort16 lanes that wrap modulo 2^16 like faiss's.
__kernel void fs_accumulate_item(__global const uchar* codes, __global const long* listBlock,
                                 __global const long* listSize, const int m2, __global const uchar* luts,
                                 __global const int* slotList, __global const int* slotTable,
                                 __global const int* slotBias, __global const long* slotKey,
                                 __global ushort* keys, const int nslots) {
    const int s = get_global_id(0);
    if (s >= nslots) return;
    const int tb = m2 * 16;
    __global const uchar* table = luts + (long) slotTable[s] * tb;
    const int list = slotList[s];
    const long nblocks = (listSize[list] + 31) >> 5;
    const ushort16 bias = (ushort16) ((ushort) slotBias[s]);
    __global const uchar* lc = codes + listBlock[list] * 16 * m2;
    __global ushort* out = keys + slotKey[s];
    for (long blk = 0; blk < nblocks; blk++) {
        __global const uchar* b = lc + blk * 16 * m2;
        ushort16 lo = bias; // vectors v(p), in byte order p
        ushort16 hi = bias; // vectors 16 + v(p)
        for (int g = 0; g < (m2 >> 1); g++) {
            const uchar16 x0 = vload16(0, b + g * 32);
            const uchar16 x1 = vload16(0, b + g * 32 + 16);
            const uchar16 t0 = vload16(0, table + g * 32);
            const uchar16 t1 = vload16(0, table + g * 32 + 16);
            lo += convert_ushort16(shuffle(t0, x0 & (uchar) 15)) + convert_ushort16(shuffle(t1, x1 & (uchar) 15));
            hi += convert_ushort16(shuffle(t0, x0 >> (uchar) 4)) + convert_ushort16(shuffle(t1, x1 >> (uchar) 4));
        }
        // even byte positions hold vectors 0..7, odd ones 8..15
        __global ushort* o = out + blk * 32;
        vstore8(lo.even, 0, o);
        vstore8(lo.odd, 0, o + 8);
        vstore8(hi.even, 0, o + 16);
        vstore8(hi.odd, 0, o + 24);
    }
}

// ---- selection ---------------------------------------------------------------------------

// GPU shape: one work-group per query. The k-th smallest key K comes from two 256-bin
// histograms (high byte, then low byte) in local memory; the replay compacts each round's
// candidates <= K in order (prefix sum in local memory) and work-item 0 offers them to the heap.
__kernel void fs_select_wg(__global const ushort* keys, __global const long* ids, __global const long* listBlock,
                           __global const long* listSize, __global const int* slotList,
                           __global const long* slotKey, __global const int* queryStart, const int k,
                           __global int* outKey, __global long* outId,
                           __local int* hist, __local int* scan, __local int* ckey, __local long* cid,
                           __local int* shared) {
    const int q = get_group_id(0);
    const int lid = get_local_id(0);
    const int wg = get_local_size(0);
    const int s0 = queryStart[q];
    const int s1 = queryStart[q + 1];
    __global int* hk = outKey + (long) q * k;
    __global long* hi = outId + (long) q * k;

    for (int t = lid; t < 256; t += wg) hist[t] = 0;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = s0; s < s1; s++) {
        const long size = listSize[slotList[s]];
        __global const ushort* kk = keys + slotKey[s];
        for (long i = lid; i < size; i += wg) atomic_inc(&hist[kk[i] >> 8]);
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    if (lid == 0) {
        int h[256];
        for (int t = 0; t < 256; t++) h[t] = hist[t];
        const int2 br = fs_bin_of_rank(h, k);
        shared[0] = br.x;
        shared[1] = br.y;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    const int high = shared[0];
    int bound = QEMPTY;
    if (high < 256) {
        for (int t = lid; t < 256; t += wg) hist[t] = 0;
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int s = s0; s < s1; s++) {
            const long size = listSize[slotList[s]];
            __global const ushort* kk = keys + slotKey[s];
            for (long i = lid; i < size; i += wg) {
                const int key = kk[i];
                if ((key >> 8) == high) atomic_inc(&hist[key & 255]);
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        if (lid == 0) {
            int h[256];
            for (int t = 0; t < 256; t++) h[t] = hist[t];
            shared[2] = (high << 8) | fs_bin_of_rank(h, shared[1]).x;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        bound = shared[2];
    }

    if (lid == 0) q_init(hk, hi, k);
    for (int s = s0; s < s1; s++) {
        const int list = slotList[s];
        const long size = listSize[list];
        __global const ushort* kk = keys + slotKey[s];
        __global const long* li = ids + listBlock[list] * 32;
        for (long i0 = 0; i0 < size; i0 += wg) {
            const long i = i0 + lid;
            const int key = i < size ? kk[i] : QEMPTY + 1;
            const int pass = key <= bound ? 1 : 0;
            if (lid == 0) shared[3] = 0;
            barrier(CLK_LOCAL_MEM_FENCE);
            if (pass) atomic_or(&shared[3], 1);
            barrier(CLK_LOCAL_MEM_FENCE);
            const int any = shared[3];
            barrier(CLK_LOCAL_MEM_FENCE); // everyone has read the flag before item 0 clears it
            if (!any) continue; // uniform: every item read the same flag
            scan[lid] = pass;
            barrier(CLK_LOCAL_MEM_FENCE);
            for (int off = 1; off < wg; off <<= 1) {
                const int add = lid >= off ? scan[lid - off] : 0;
                barrier(CLK_LOCAL_MEM_FENCE);
                scan[lid] += add;
                barrier(CLK_LOCAL_MEM_FENCE);
            }
            if (pass) {
                ckey[scan[lid] - 1] = key;
                cid[scan[lid] - 1] = li[i];
            }
            barrier(CLK_LOCAL_MEM_FENCE);
            if (lid == 0) {
                const int n = scan[wg - 1];
                for (int t = 0; t < n; t++) q_offer(hk, hi, k, ckey[t], cid[t]);
            }
            barrier(CLK_LOCAL_MEM_FENCE);
        }
    }
    if (lid == 0) q_sort(hk, hi, k);
}

// CPU-device shape: one work-item per query, the same three passes in private memory.
__kernel void fs_select_item(__global const ushort* keys, __global const long* ids, __global const long* listBlock,
                             __global const long* listSize, __global const int* slotList,
                             __global const long* slotKey, __global const int* queryStart, const int k,
                             __global int* outKey, __global long* outId, const int nq) {
    const int q = get_global_id(0);
    if (q >= nq) return;
    const int s0 = queryStart[q];
    const int s1 = queryStart[q + 1];
    __global int* hk = outKey + (long) q * k;
    __global long* hi = outId + (long) q * k;
    int hist[256];
    for (int t = 0; t < 256; t++) hist[t] = 0;
    for (int s = s0; s < s1; s++) {
        const long size = listSize[slotList[s]];
        __global const ushort* kk = keys + slotKey[s];
        for (long i = 0; i < size; i++) hist[kk[i] >> 8]++;
    }
    const int2 br = fs_bin_of_rank(hist, k);
    int bound = QEMPTY;
    if (br.x < 256) {
        for (int t = 0; t < 256; t++) hist[t] = 0;
        for (int s = s0; s < s1; s++) {
            const long size = listSize[slotList[s]];
            __global const ushort* kk = keys + slotKey[s];
            for (long i = 0; i < size; i++) {
                const int key = kk[i];
                if ((key >> 8) == br.x) hist[key & 255]++;
            }
        }
        bound = (br.x << 8) | fs_bin_of_rank(hist, br.y).x;
    }
    q_init(hk, hi, k);
    for (int s = s0; s < s1; s++) {
        const int list = slotList[s];
        const long size = listSize[list];
        __global const ushort* kk = keys + slotKey[s];
        __global const long* li = ids + listBlock[list] * 32;
        for (long i = 0; i < size; i++) {
            const int key = kk[i];
            if (key <= bound) q_offer(hk, hi, k, key, li[i]);
        }
    }
    q_sort(hk, hi, k);
}
