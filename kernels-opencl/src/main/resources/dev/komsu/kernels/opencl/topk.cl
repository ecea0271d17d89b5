// Top-k selection shared by the search kernels.
//
// Keys are "smaller is better": L2 distances as they are, inner products negated (Metric.toKey
// on the host). Ties are broken by the smaller id, as the CPU backends do, so results do not
// depend on the order in which work-items see candidates. An empty slot is (+inf, EMPTY_ID);
// EMPTY_ID sorts after every real id and the host turns it into faiss's label -1.

#define EMPTY_ID LONG_MAX

inline bool ranks_before(float ka, long ia, float kb, long ib) {
    return ka < kb || (ka == kb && ia < ib);
}

// ---- work-group top-k (GPU kernels) ---------------------------------------------------------
// After faiss's BlockSelect: a sorted queue best[K] and an unsorted candidate buffer cand[C] in
// local memory. Work-items append candidates that beat best[k-1] (a threshold most distances
// fail after the first rounds, so the hot loop stays branch-light); when the buffer may
// overflow, the whole work-group sorts it (bitonic) and merges it into best (bitonic merge).
// K and C are powers of two, C >= K and C >= local size (one round adds at most one candidate
// per work-item; the buffer is merged before a round that could overflow it).

// Sorts n (a power of two) entries ascending. Every work-item of the group must call it.
void wg_bitonic_sort(__local float* key, __local long* id, int n) {
    const int lid = get_local_id(0);
    const int wg = get_local_size(0);
    for (int size = 2; size <= n; size <<= 1) {
        for (int stride = size >> 1; stride > 0; stride >>= 1) {
            for (int t = lid; t < (n >> 1); t += wg) {
                // t = hi*stride + lo  ->  i = hi*2*stride + lo, its partner i + stride
                const int i = 2 * t - (t & (stride - 1));
                const int j = i + stride;
                const bool ascending = (i & size) == 0;
                const float ki = key[i];
                const float kj = key[j];
                const long ii = id[i];
                const long ij = id[j];
                const bool swap = ascending ? ranks_before(kj, ij, ki, ii) : ranks_before(ki, ii, kj, ij);
                if (swap) {
                    key[i] = kj; key[j] = ki;
                    id[i] = ij; id[j] = ii;
                }
            }
            barrier(CLK_LOCAL_MEM_FENCE);
        }
    }
}

// Merges the count pending candidates into best. Every work-item must call it, after a barrier
// that made the candidates visible. Leaves count at 0.
void wg_merge_candidates(__local float* bk, __local long* bi, __local float* ck, __local long* ci,
                         __local int* count, const int pending, const int K, const int C) {
    const int lid = get_local_id(0);
    const int wg = get_local_size(0);
    for (int t = pending + lid; t < C; t += wg) {
        ck[t] = INFINITY;
        ci[t] = EMPTY_ID;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    wg_bitonic_sort(ck, ci, C);
    // best ascending, cand[0..K) ascending: min(best[t], cand[K-1-t]) holds the K best of both
    // as a bitonic sequence, which the half-cleaner cascade below sorts.
    for (int t = lid; t < K; t += wg) {
        const int j = K - 1 - t;
        if (ranks_before(ck[j], ci[j], bk[t], bi[t])) {
            bk[t] = ck[j];
            bi[t] = ci[j];
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int stride = K >> 1; stride > 0; stride >>= 1) {
        for (int t = lid; t < (K >> 1); t += wg) {
            const int i = 2 * t - (t & (stride - 1));
            const int j = i + stride;
            if (ranks_before(bk[j], bi[j], bk[i], bi[i])) {
                const float kt = bk[i]; bk[i] = bk[j]; bk[j] = kt;
                const long it = bi[i]; bi[i] = bi[j]; bi[j] = it;
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0) *count = 0;
    barrier(CLK_LOCAL_MEM_FENCE);
}

void wg_topk_init(__local float* bk, __local long* bi, __local int* count, const int K) {
    for (int t = get_local_id(0); t < K; t += get_local_size(0)) {
        bk[t] = INFINITY;
        bi[t] = EMPTY_ID;
    }
    if (get_local_id(0) == 0) *count = 0;
}

// Appends (key, id) if it beats the current k-th best. best is only rewritten inside
// wg_merge_candidates, between barriers, so reading the threshold here is race-free.
inline void wg_topk_offer(__local const float* bk, __local const long* bi, __local float* ck, __local long* ci,
                          __local int* count, const int k, const float key, const long id) {
    if (ranks_before(key, id, bk[k - 1], bi[k - 1])) {
        const int p = atomic_inc(count);
        ck[p] = key;
        ci[p] = id;
    }
}

void wg_topk_write(__local const float* bk, __local const long* bi, const int k,
                   __global float* outKey, __global long* outId) {
    for (int t = get_local_id(0); t < k; t += get_local_size(0)) {
        outKey[t] = bk[t];
        outId[t] = bi[t];
    }
}

// Ends one round of offers (every work-item calls it): once fewer than one offer per work-item
// of candidate room is left, the pending candidates are merged into best.
void wg_topk_end_round(__local float* bk, __local long* bi, __local float* ck, __local long* ci,
                       __local int* count, const int K, const int C) {
    barrier(CLK_LOCAL_MEM_FENCE);
    const int pending = *count;
    barrier(CLK_LOCAL_MEM_FENCE);
    if (pending > C - (int) get_local_size(0)) wg_merge_candidates(bk, bi, ck, ci, count, pending, K, C);
}

// Merges what is still pending and writes the k best (every work-item calls it).
void wg_topk_finish(__local float* bk, __local long* bi, __local float* ck, __local long* ci,
                    __local int* count, const int k, const int K, const int C,
                    __global float* outKey, __global long* outId) {
    const int pending = *count;
    barrier(CLK_LOCAL_MEM_FENCE);
    if (pending > 0) wg_merge_candidates(bk, bi, ck, ci, count, pending, K, C);
    wg_topk_write(bk, bi, k, outKey, outId);
}

// ---- per-work-item top-k (CPU-device kernels) -----------------------------------------------
// One work-item owns a sorted list of k entries in global memory and inserts by shifting: after
// the first k rows few candidates beat the threshold, so the O(k) insertion is rare.

void item_topk_init(__global float* tk, __global long* ti, const int k) {
    for (int t = 0; t < k; t++) {
        tk[t] = INFINITY;
        ti[t] = EMPTY_ID;
    }
}

inline void item_topk_insert(__global float* tk, __global long* ti, const int k, const float key, const long id) {
    int pos = k - 1;
    while (pos > 0 && ranks_before(key, id, tk[pos - 1], ti[pos - 1])) {
        tk[pos] = tk[pos - 1];
        ti[pos] = ti[pos - 1];
        pos--;
    }
    tk[pos] = key;
    ti[pos] = id;
}

// ---- distances -------------------------------------------------------------------------------
// The metric is a kernel argument (ip: 1 for inner product, 0 for squared L2) tested outside the
// hot loops, so each loop is branch-free and one program serves both metrics (a PoCL build of
// the work-group kernels costs tens of seconds; halving the builds matters).

// The ranking key of an accumulated distance: inner products are negated so smaller is better.
inline float to_key(const int ip, const float distance) {
    return ip ? -distance : distance;
}

// Row-major distance with float16 loads: the fastest shape on PoCL's CPU device (17 GFLOP/s vs
// 7 for local-memory tiles in our prototype), since PoCL maps float16 to AVX registers.
float row_distance(const int ip, __global const float* q, __global const float* v, const int d) {
    float16 acc = (float16) (0.0f);
    float s = 0.0f;
    int c = 0;
    if (ip) {
        for (; c + 16 <= d; c += 16) acc = fma(vload16(0, q + c), vload16(0, v + c), acc);
        for (int r = c; r < d; r++) s = fma(q[r], v[r], s);
    } else {
        for (; c + 16 <= d; c += 16) {
            const float16 diff = vload16(0, q + c) - vload16(0, v + c);
            acc = fma(diff, diff, acc);
        }
        for (int r = c; r < d; r++) {
            const float diff = q[r] - v[r];
            s = fma(diff, diff, s);
        }
    }
    const float8 s8 = acc.lo + acc.hi;
    const float4 s4 = s8.lo + s8.hi;
    return ((s4.x + s4.y) + (s4.z + s4.w)) + s;
}
