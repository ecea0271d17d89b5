package dev.komsu.io;

import dev.komsu.Index;
import dev.komsu.kernels.Metric;
import java.io.IOException;

/**
 * The fields every faiss index starts with (faiss write_index_header): d (int32), ntotal
 * (int64), two unused int64, is_trained (bool), metric_type (int32), and metric_arg (float)
 * only for metrics beyond inner product and L2.
 */
record IndexHeader(int d, long ntotal, boolean trained, Metric metric) {
    /** faiss's MetricType numbers. */
    private static final int METRIC_INNER_PRODUCT = 0;
    private static final int METRIC_L2 = 1;
    private static final int METRIC_L1 = 2;
    private static final int METRIC_LINF = 3;
    /** What faiss writes in the two unused fields (once "max_codes"-style limits). */
    private static final long UNUSED = 1L << 20;
    /**
     * The largest d komsu reads. faiss has no limit, but no real embedding comes near 2^24 (one
     * vector would be 64 MiB); the bound keeps d * 4, d * 256 (PQ codebooks) and friends far from
     * int overflow however the file was corrupted.
     */
    static final int MAX_DIMENSION = 1 << 24;

    public static IndexHeader read(FaissInput in) throws IndexFormatException {
        long at = in.position();
        int d = in.readInt("the dimension d");
        if (d <= 0 || d > MAX_DIMENSION) throw in.error(at, "expected a dimension d in [1, " + MAX_DIMENSION + "], found " + d);
        at = in.position();
        long ntotal = in.readLong("ntotal");
        if (ntotal < 0) throw in.error(at, "expected ntotal >= 0, found " + ntotal);
        // Every stored vector takes at least one byte after the header (a code, an id or a
        // float), so a larger ntotal is corrupt; checked here so no later ntotal * size can wrap.
        if (ntotal > in.remaining()) {
            throw in.error(at, "ntotal=" + ntotal + " vectors cannot fit in the " + in.remaining() + " bytes left in the file");
        }
        in.readLong("an unused header field");
        in.readLong("an unused header field");
        boolean trained = in.readBool("is_trained");
        at = in.position();
        int metricType = in.readInt("the metric type");
        // faiss writes metric_arg (a float, used by Lp and a few others) after every metric type above 1
        if (metricType > METRIC_L2) in.readFloat("metric_arg");
        Metric metric = metricOf(metricType);
        if (metric == null) throw in.error(at, "metric type " + metricType + " is not supported: " + READABLE_METRICS);
        return new IndexHeader(d, ntotal, trained, metric);
    }

    static final String READABLE_METRICS = "komsu reads inner product (0), L2 (1), L1 (2) and L-infinity (3)";

    /** The metric of faiss's MetricType number, or null for one komsu does not read. */
    static Metric metricOf(int metricType) {
        return switch (metricType) {
            case METRIC_INNER_PRODUCT -> Metric.INNER_PRODUCT;
            case METRIC_L2 -> Metric.L2;
            case METRIC_L1 -> Metric.L1;
            case METRIC_LINF -> Metric.LINF;
            default -> null;
        };
    }

    /** The header of {@code index}. */
    public static IndexHeader of(Index index) {
        return new IndexHeader(index.dim(), index.ntotal(), index.isTrained(), index.metric());
    }

    public void write(FaissOutput out) throws IOException {
        out.writeInt(d);
        out.writeLong(ntotal);
        out.writeLong(UNUSED);
        out.writeLong(UNUSED);
        out.writeBool(trained);
        int type = switch (metric) {
            case INNER_PRODUCT -> METRIC_INNER_PRODUCT;
            case L2 -> METRIC_L2;
            case L1 -> METRIC_L1;
            case LINF -> METRIC_LINF;
        };
        out.writeInt(type);
        if (type > METRIC_L2) out.writeFloat(0f); // metric_arg: unused by L1 and L-infinity, 0 as faiss's default
    }

    /** Fails unless {@code part} (a sub-index read at {@code at}) agrees with this header. */
    void checkPart(FaissInput in, long at, String role, Index part, boolean sameNtotal) throws IndexFormatException {
        if (part.dim() != d) {
            throw in.error(at, role + " has dimension " + part.dim() + ", the enclosing index " + d);
        }
        if (part.metric() != metric) {
            throw in.error(at, role + " uses metric " + part.metric() + ", the enclosing index " + metric);
        }
        if (sameNtotal && part.ntotal() != ntotal) {
            throw in.error(at, role + " holds " + part.ntotal() + " vectors, the enclosing index says ntotal=" + ntotal);
        }
    }
}
