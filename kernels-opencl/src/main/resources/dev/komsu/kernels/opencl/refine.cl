// Refine (faiss IndexRefineFlat's re-ranking): exact distances from each query to its kIn
// candidate rows of a resident row-major base, top-k by (key, smaller id) on the device.
//
// The sum is the CPU's PqKernels.gatherDistances, operation for operation, so distances are
// bit-identical to the CPU form: LANES partial sums over columns c = lane (mod LANES) up to the
// last whole group of LANES columns (Vector API lanes; fused multiply-add when FUSED), the lane
// sums added in lane order to 0, then the remaining columns added one by one, unfused (Java
// never contracts a*b+c). The scalar reference is LANES 1, FUSED 0.

#pragma OPENCL FP_CONTRACT OFF

#if FUSED
#define MAC(a, b, acc) fma((a), (b), (acc))
#else
#define MAC(a, b, acc) ((acc) + (a) * (b))
#endif

// The columns c = lane, lane + LANES, ... below upper, accumulated as one Vector API lane does.
inline float lane_sum(const int ip, __local const float* q, __global const float* v, const int lane, const int upper) {
    float acc = 0.0f;
    if (ip) {
        for (int c = lane; c < upper; c += LANES) acc = MAC(q[c], v[c], acc);
    } else {
        for (int c = lane; c < upper; c += LANES) {
            const float diff = q[c] - v[c];
            acc = MAC(diff, diff, acc);
        }
    }
    return acc;
}

// The columns past the last whole lane group, one by one and unfused.
inline float tail_sum(const int ip, float s, __local const float* q, __global const float* v, const int upper, const int d) {
    for (int c = upper; c < d; c++) {
        if (ip) {
            const float p = q[c] * v[c];
            s = s + p;
        } else {
            const float diff = q[c] - v[c];
            const float p = diff * diff;
            s = s + p;
        }
    }
    return s;
}

// GPU shape: one work-group per query, query in local memory; teams of LANES work-items each
// take one candidate row, work-item `lane` of a team summing that lane's columns (consecutive
// items read consecutive floats: coalesced), then the team's first item adds the lane sums in
// order. All kIn keys sit in local memory (KP, a power of two >= max(kIn, k)) and one bitonic
// sort (topk.cl) orders them by (key, id).
__kernel void refine_wg(__global const float* base, const int d, __global const float* queries,
                        __global const long* cand, const int kIn, const int k, const int ip, const int KP,
                        __global float* outKey, __global long* outId,
                        __local float* qloc, __local float* part, __local float* dk, __local long* di) {
    const int q = get_group_id(0);
    const int lid = get_local_id(0);
    const int wg = get_local_size(0);
    const int teams = wg / LANES;
    const int team = lid / LANES;
    const int lane = lid % LANES;
    const int upper = d - d % LANES;
    for (int t = lid; t < d; t += wg) qloc[t] = queries[(long) q * d + t];
    for (int t = lid; t < KP; t += wg) {
        dk[t] = INFINITY;
        di[t] = EMPTY_ID;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int j0 = 0; j0 < kIn; j0 += teams) {
        const int j = j0 + team;
        const long row = (team < teams && j < kIn) ? cand[(long) q * kIn + j] : -1;
        __global const float* v = base + (row < 0 ? 0 : row) * d;
        part[lid] = row >= 0 ? lane_sum(ip, qloc, v, lane, upper) : 0.0f;
        barrier(CLK_LOCAL_MEM_FENCE);
        if (row >= 0 && lane == 0) {
            float s = 0.0f;
            for (int l = 0; l < LANES; l++) s = s + part[team * LANES + l];
            s = tail_sum(ip, s, qloc, v, upper, d);
            dk[j] = to_key(ip, s);
            di[j] = row;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    wg_bitonic_sort(dk, di, KP);
    wg_topk_write(dk, di, k, outKey + (long) q * k, outId + (long) q * k);
}

// CPU-device shape: one work-item per query, its rows read contiguously, LANES private partial
// sums, and the sorted insertion top-k of topk.cl in the output slot.
__kernel void refine_item(__global const float* base, const int d, __global const float* queries,
                          __global const long* cand, const int kIn, const int k, const int ip, const int nq,
                          __global float* outKey, __global long* outId) {
    const int q = get_global_id(0);
    if (q >= nq) return;
    __global float* tk = outKey + (long) q * k;
    __global long* ti = outId + (long) q * k;
    item_topk_init(tk, ti, k);
    __global const float* qv = queries + (long) q * d;
    const int upper = d - d % LANES;
    for (int j = 0; j < kIn; j++) {
        const long row = cand[(long) q * kIn + j];
        if (row < 0) continue;
        __global const float* v = base + row * d;
        float acc[LANES];
        for (int l = 0; l < LANES; l++) acc[l] = 0.0f;
        for (int c = 0; c < upper; c += LANES) {
            for (int l = 0; l < LANES; l++) {
                if (ip) {
                    acc[l] = MAC(qv[c + l], v[c + l], acc[l]);
                } else {
                    const float diff = qv[c + l] - v[c + l];
                    acc[l] = MAC(diff, diff, acc[l]);
                }
            }
        }
        float s = 0.0f;
        for (int l = 0; l < LANES; l++) s = s + acc[l];
        for (int c = upper; c < d; c++) {
            const float p = ip ? qv[c] * v[c] : (qv[c] - v[c]) * (qv[c] - v[c]);
            s = s + p;
        }
        const float key = to_key(ip, s);
        if (ranks_before(key, row, tk[k - 1], ti[k - 1])) item_topk_insert(tk, ti, k, key, row);
    }
}
