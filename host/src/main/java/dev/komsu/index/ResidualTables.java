package dev.komsu.index;

import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.PqKernels;
import dev.komsu.quant.ProductQuantizer;

/**
 * The list term of by-residual L2 PQ tables, {@code ||r_mj||^2 + 2 <c_l, r_mj>} for list l,
 * sub-quantiser m, centroid j: precomputed for every list when the whole table fits
 * {@link PqCodec#PRECOMPUTED_TABLE_MAX_BYTES} (faiss's precomputed_table), else computed per
 * probed list from the list's centroid, as faiss does when use_precomputed_table is off. A
 * product nlist * M * ksub beyond that (or beyond an int) takes the second path instead of
 * failing the way {@code Math.toIntExact} did.
 */
final class ResidualTables {
    private final ProductQuantizer pq;
    private final FloatMatrix centroids;
    private final int tab;
    private final float[] table;  // nlist * tab, or null when computed per list
    private final float[] norms;  // ||r_mj||^2, for the per-list path

    private ResidualTables(ProductQuantizer pq, FloatMatrix centroids, float[] table, float[] norms) {
        this.pq = pq;
        this.centroids = centroids;
        this.tab = pq.m() * pq.ksub();
        this.table = table;
        this.norms = norms;
    }

    /** Whether nlist whole tables of M * ksub floats fit faiss's 2 GiB bound (and a Java array). */
    static boolean fitsPrecomputed(long nlist, long m, long ksub, long maxBytes) {
        if (nlist < 0 || m <= 0 || ksub <= 0) return false;
        long perList = m * ksub * Float.BYTES;
        if (nlist > Long.MAX_VALUE / perList) return false;
        long bytes = nlist * perList;
        return bytes <= maxBytes && bytes / Float.BYTES <= Integer.MAX_VALUE - 8;
    }

    static ResidualTables of(ProductQuantizer pq, FloatMatrix centroids, PqKernels kern, long maxBytes) {
        if (fitsPrecomputed(centroids.rows(), pq.m(), pq.ksub(), maxBytes)) {
            return new ResidualTables(pq, centroids, PqCodec.precomputedTable(pq, centroids, kern), null);
        }
        float[] norms = new float[pq.m() * pq.ksub()];
        pq.lookupTable(new float[pq.dim()], Metric.L2, kern, norms); // ||r_mj||^2
        return new ResidualTables(pq, centroids, null, norms);
    }

    boolean precomputed() {
        return table != null;
    }

    /**
     * {@code out = listTerm(list) - 2 * ip} ({@code ip} the query's inner products with the
     * sub-centroids); {@code scratch} holds M * ksub floats for the per-list path.
     */
    void row(int list, float[] ip, PqKernels kern, float[] scratch, float[] out) {
        if (table != null) {
            kern.madd(tab, table, list * tab, -2.0f, ip, out); // list * tab < 2^29: the table fits an array
            return;
        }
        pq.lookupTable(centroids.row(list), Metric.INNER_PRODUCT, kern, scratch);
        kern.madd(tab, norms, 0, 2f, scratch, out);          // ||r||^2 + 2 <c, r>
        System.arraycopy(out, 0, scratch, 0, tab);
        kern.madd(tab, scratch, 0, -2.0f, ip, out);
    }
}
