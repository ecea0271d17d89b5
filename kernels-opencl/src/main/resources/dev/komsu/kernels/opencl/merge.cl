// Final step of a sliced search.

// Merges, for each query, nparts sorted partial top-k lists (from base slices or probe chunks)
// into one sorted list. One work-item per query, a head-of-list merge of k * nparts steps: the
// partial lists are short and this step is a small fraction of the scan.
__kernel void merge_partials(__global const float* pk, __global const long* pi, const int nq, const int nparts,
                             const int k, __global int* heads, __global float* outKey, __global long* outId) {
    const int q = get_global_id(0);
    if (q >= nq) return;
    __global const float* qk = pk + (long) q * nparts * k;
    __global const long* qi = pi + (long) q * nparts * k;
    __global int* h = heads + (long) q * nparts;
    for (int p = 0; p < nparts; p++) h[p] = 0;
    for (int r = 0; r < k; r++) {
        int bestPart = -1;
        float bestKey = INFINITY;
        long bestId = EMPTY_ID;
        for (int p = 0; p < nparts; p++) {
            if (h[p] >= k) continue;
            const long at = (long) p * k + h[p];
            if (bestPart < 0 || ranks_before(qk[at], qi[at], bestKey, bestId)) {
                bestPart = p;
                bestKey = qk[at];
                bestId = qi[at];
            }
        }
        h[bestPart]++;
        outKey[(long) q * k + r] = bestKey;
        outId[(long) q * k + r] = bestId;
    }
}
