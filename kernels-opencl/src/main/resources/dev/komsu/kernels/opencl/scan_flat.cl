// IVF-Flat codec of ivf_scan.cl: float rows, the distance to the query (squared L2 or inner
// product, fma chains as knn.cl). Work-group shape: BLOCK-row blocks stored dimension-major
// (layout.cl), the query in local memory. Per-item shape: row-major rows (BLOCK = 1), one row at
// a time with the float16 loop of row_distance (topk.cl).

#define CODE_T float
#define CODEC_ARGS const int d, __global const float* queries
#define CODEC_WG_LOCALS __local float* qloc

inline float flat_distance_wg(__local const float* qloc, __global const float* v, const int d, const int ip) {
    float acc = 0.0f;
    if (ip) {
        for (int c = 0; c < d; c++) acc = fma(qloc[c], v[(long) c * BLOCK], acc);
    } else {
        for (int c = 0; c < d; c++) {
            const float diff = qloc[c] - v[(long) c * BLOCK];
            acc = fma(diff, diff, acc);
        }
    }
    return acc;
}

#define CODEC_WG_QUERY for (int t = lid; t < d; t += wg) qloc[t] = queries[(long) q * d + t];
#define CODEC_WG_LIST
#define CODEC_WG_DISTANCE(row, bias) flat_distance_wg(qloc, codes + ((row) / BLOCK) * BLOCK * d + (row) % BLOCK, d, ip)

#define ITEM_ROWS 1
#define CODEC_ITEM_QUERY __global const float* qv = queries + (long) q * d;
#define CODEC_ITEM_LIST
#define CODEC_ITEM_DISTANCES(dist, r0, bias) dist[0] = row_distance(ip, qv, codes + (offset + (r0)) * d, d);
