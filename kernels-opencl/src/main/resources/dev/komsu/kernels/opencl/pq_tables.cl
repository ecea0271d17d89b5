// PQ lookup tables of a batch of queries (PqKernels.lookupTable, many queries at once).
//
// Bit-identical to ScalarPqKernels: each entry starts at 0 and adds its dsub terms in order
// t = 0..dsub-1, with every product rounded before its add (no fused multiply-add).
#pragma OPENCL FP_CONTRACT OFF

// One work-item per (group of QB queries, sub-quantiser mi, centroid j), j fastest: the
// work-items of a group read consecutive centroids (coalesced, the transposed codebook layout),
// all read the same query value (a broadcast), and each centroid value loaded serves QB queries
// from registers (the GEMM-like reuse; QB is a compile-time register count). The queries buffer
// is padded to whole groups of QB rows; padded rows are computed and never written.
__kernel void pq_tables(__global const float* queries, const int nq, __global const float* centroidsT,
                        const int m, const int ksub, const int dsub, const int ip, __global float* out) {
    const long g = get_global_id(0);
    const long groups = (long) ((nq + QB - 1) / QB) * m * ksub;
    if (g >= groups) return;
    const int j = (int) (g % ksub);
    const long rest = g / ksub;
    const int mi = (int) (rest % m);
    const int q0 = (int) (rest / m) * QB;
    const int d = m * dsub;
    float acc[QB];
    for (int i = 0; i < QB; i++) acc[i] = 0.0f;
    __global const float* c = centroidsT + (long) mi * dsub * ksub + j;
    __global const float* q = queries + (long) q0 * d + mi * dsub;
    if (ip) {
        for (int t = 0; t < dsub; t++) {
            const float cv = c[(long) t * ksub];
            for (int i = 0; i < QB; i++) acc[i] += q[(long) i * d + t] * cv;
        }
    } else {
        for (int t = 0; t < dsub; t++) {
            const float cv = c[(long) t * ksub];
            for (int i = 0; i < QB; i++) {
                const float diff = q[(long) i * d + t] - cv;
                acc[i] += diff * diff;
            }
        }
    }
    const long tableSize = (long) m * ksub;
    for (int i = 0; i < QB; i++) {
        if (q0 + i < nq) out[(long) (q0 + i) * tableSize + (long) mi * ksub + j] = acc[i];
    }
}
