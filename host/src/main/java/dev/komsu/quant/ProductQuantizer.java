package dev.komsu.quant;

import dev.komsu.ProgressListener;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.PqKernels;
import dev.komsu.kernels.PqListScanner;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * faiss's ProductQuantizer: a d-dimensional vector is cut into {@code m} sub-vectors of
 * {@code dsub = d/m} components, each replaced by the number of its nearest centroid in its own
 * codebook of {@code ksub = 2^nbits} centroids. nbits 8: one byte per sub-quantiser; nbits 4:
 * two per byte, low nibble first (faiss PQEncoderGeneric). Immutable once trained, so encoding,
 * decoding and table building are thread-safe.
 *
 * <p>Codebooks are kept in faiss's layout ({@code centroids[(mi*ksub + j)*dsub + t]}, what the
 * index file holds) and transposed for the lookup-table kernel.
 */
public final class ProductQuantizer {
    /** Rows copied per parallel encode block at most (4 MiB of floats). */
    private static final int ENCODE_BLOCK_FLOATS = 1 << 20;
    /** Rows one encode task takes: ~1 ms of work for PQ384x4 (~16 us a row), small enough to balance threads. */
    private static final int ENCODE_ROWS_PER_TASK = 64;

    private final int d;
    private final int m;
    private final int nbits;
    private final int ksub;
    private final int dsub;
    private KMeansParams kmeansParams = KMeansParams.FAISS_DEFAULTS;
    private float[] centroids;  // null until trained
    private float[] centroidsT;

    public ProductQuantizer(int d, int m, int nbits) {
        if (d <= 0) throw new IllegalArgumentException("dimension must be > 0, got " + d);
        if (m <= 0) throw new IllegalArgumentException("number of sub-quantizers M must be > 0, got " + m);
        if (d % m != 0) {
            throw new IllegalArgumentException("the dimension d=" + d + " must be a multiple of the number of sub-quantizers M="
                    + m + " (faiss: d % M == 0)");
        }
        if (nbits != 8 && nbits != 4) throw new IllegalArgumentException("PQ nbits must be 4 or 8, got " + nbits);
        this.d = d;
        this.m = m;
        this.nbits = nbits;
        this.ksub = 1 << nbits;
        this.dsub = d / m;
    }

    /** A trained quantiser from faiss-layout codebooks ({@code m * ksub * dsub} floats, e.g. read from a file). */
    public static ProductQuantizer ofCentroids(int d, int m, int nbits, float[] centroids) {
        ProductQuantizer pq = new ProductQuantizer(d, m, nbits);
        if (centroids.length != d * pq.ksub) {
            throw new IllegalArgumentException("PQ codebooks have " + centroids.length + " floats, expected d*ksub = "
                    + d + "*" + pq.ksub);
        }
        pq.install(centroids.clone());
        return pq;
    }

    public int dim() {
        return d;
    }

    public int m() {
        return m;
    }

    public int nbits() {
        return nbits;
    }

    public int ksub() {
        return ksub;
    }

    public int dsub() {
        return dsub;
    }

    /** Bytes per code: {@code ceil(m * nbits / 8)}, as faiss. */
    public int codeSize() {
        return (m * nbits + 7) / 8;
    }

    public boolean isTrained() {
        return centroids != null;
    }

    public void setKMeansParams(KMeansParams params) {
        this.kmeansParams = Objects.requireNonNull(params, "params");
    }

    /** A copy of the codebooks in faiss's layout. */
    public float[] centroids() {
        checkTrained();
        return centroids.clone();
    }

    /** Centroid j of sub-quantiser mi, component t. */
    public float centroid(int mi, int j, int t) {
        checkTrained();
        return centroids[(mi * ksub + j) * dsub + t];
    }

    /**
     * Trains each sub-quantiser by k-means on its slice of {@code xs} (faiss Train_default:
     * L2 k-means with the default clustering parameters — 25 iterations, seed 1234, at most
     * 256 points per centroid — whatever the index metric).
     *
     * <p>{@code xs} is first sub-sampled to {@code ksub * maxPointsPerCentroid} rows: faiss's
     * k-means would sub-sample every slice to that many rows with the same seed, so every
     * sub-quantiser sees the same rows; sampling once copies 4096 slices instead of all n.
     * Sub-quantisers whose k-means runs on the caller's thread ({@link
     * KMeans#assignsOnCallerThread}: 4-bit, small dsub) are trained side by side on the
     * backend's threads; each has its own seed-1234 k-means and writes only its own codebook,
     * so the result is the same for any thread count.
     */
    public void train(FloatMatrix xs, ComputeBackend backend, ProgressListener progress) {
        if (xs.cols() != d) throw new IllegalArgumentException("training vectors have dimension " + xs.cols() + ", the PQ has " + d);
        if (xs.rows() < ksub) {
            throw new IllegalArgumentException("PQ training needs at least ksub=" + ksub + " vectors, got " + xs.rows());
        }
        float[] trained = new float[d * ksub];
        KMeans kmeans = new KMeans(ksub, kmeansParams, backend);
        try (TrainingSample sample = TrainingSample.of(xs, (long) ksub * kmeansParams.maxPointsPerCentroid())) {
            FloatMatrix rows = sample.rows();
            if (KMeans.assignsOnCallerThread(ksub, dsub)) {
                AtomicInteger done = new AtomicInteger();
                backend.forEachQuery(m, mi -> {
                    trainSubQuantizer(kmeans, rows, mi, trained);
                    // Serialised: listeners need not be thread-safe; counts arrive in completion order.
                    synchronized (done) {
                        progress.onProgress("PQ training", done.incrementAndGet(), m);
                    }
                });
            } else {
                for (int mi = 0; mi < m; mi++) {
                    trainSubQuantizer(kmeans, rows, mi, trained);
                    progress.onProgress("PQ training", mi + 1, m);
                }
            }
        }
        install(trained);
    }

    /** k-means on slice {@code mi} of {@code xs}; the codebook goes to {@code trained[mi * ksub * dsub ..]}. */
    private void trainSubQuantizer(KMeans kmeans, FloatMatrix xs, int mi, float[] trained) {
        try (FloatMatrix slice = FloatMatrix.allocate(xs.rows(), dsub)) {
            for (long r = 0; r < xs.rows(); r++) {
                MemorySegment.copy(xs.segment(), xs.rowOffset(r) + (long) mi * dsub * Float.BYTES,
                        slice.segment(), slice.rowOffset(r), (long) dsub * Float.BYTES);
            }
            KMeans.Result result = kmeans.train(slice, Metric.L2, ProgressListener.NONE);
            try (FloatMatrix c = result.centroids()) {
                MemorySegment.copy(c.segment(), FloatMatrix.FLOAT, 0, trained, mi * ksub * dsub, ksub * dsub);
            }
        }
    }

    private void install(float[] c) {
        float[] t = new float[c.length];
        for (int mi = 0; mi < m; mi++) {
            for (int j = 0; j < ksub; j++) {
                for (int s = 0; s < dsub; s++) t[(mi * dsub + s) * ksub + j] = c[(mi * ksub + j) * dsub + s];
            }
        }
        this.centroidsT = t;
        this.centroids = c;
    }

    /**
     * The query's lookup table, {@code m * ksub} floats: squared L2 distances to every
     * centroid for L2, inner products for INNER_PRODUCT.
     */
    public void lookupTable(float[] query, Metric metric, PqKernels kernels, float[] out) {
        checkTrained();
        kernels.lookupTable(query, centroidsT, m, ksub, dsub, metric, out);
    }

    /**
     * The lookup tables of a batch of queries (row q: {@link #lookupTable} of query q) from the
     * backend's batched form; the caller closes the result.
     */
    public FloatMatrix lookupTables(FloatMatrix queries, Metric metric, PqListScanner scanner) {
        checkTrained();
        return scanner.lookupTables(queries, centroidsT, m, ksub, dsub, metric);
    }

    /**
     * Encodes {@code x} (d floats) to {@code codeSize()} bytes at {@code out[offset]}: the
     * nearest centroid by L2 per sub-vector, ties to the lower number (faiss's strict &lt;).
     * {@code table} is scratch space of {@code m * ksub} floats.
     */
    public void encode(float[] x, PqKernels kernels, float[] table, MemorySegment out, long offset) {
        lookupTable(x, Metric.L2, kernels, table);
        int[] nearest = new int[m];
        kernels.argmin(table, m, ksub, nearest);
        int acc = 0;
        for (int mi = 0; mi < m; mi++) {
            int best = nearest[mi];
            if (nbits == 8) {
                out.set(ValueLayout.JAVA_BYTE, offset + mi, (byte) best);
            } else if ((mi & 1) == 0) {
                acc = best;
                if (mi == m - 1) out.set(ValueLayout.JAVA_BYTE, offset + (mi >> 1), (byte) acc);
            } else {
                out.set(ValueLayout.JAVA_BYTE, offset + (mi >> 1), (byte) (acc | best << 4));
            }
        }
    }

    /** The rows a batch encode reads: row i of the batch into {@code row[0 .. d)}. */
    @FunctionalInterface
    public interface RowSource {
        void copyRow(int i, float[] row);
    }

    /**
     * Encodes rows {@code 0 .. count} of {@code rows} to {@code out[outOffset + i * codeSize()]}
     * on the backend's threads (faiss encodes in parallel too). Rows and codes pass through heap
     * blocks that only the caller's thread copies in and out, since the caller's segments may be
     * confined to it; each code depends on its row alone, so the bytes are {@link #encode}'s
     * for any thread count. {@code kernels} compute the tables and the argmin.
     */
    public void encodeAll(int count, RowSource rows, ComputeBackend backend, PqKernels kernels, MemorySegment out,
                          long outOffset) {
        checkTrained();
        int codeSize = codeSize();
        int blockRows = Math.max(1, Math.min(count, ENCODE_BLOCK_FLOATS / d));
        float[] block = new float[blockRows * d];
        MemorySegment codes = MemorySegment.ofArray(new byte[blockRows * codeSize]);
        float[] row = new float[d];
        for (int from = 0; from < count; from += blockRows) {
            int n = Math.min(blockRows, count - from);
            for (int i = 0; i < n; i++) {
                rows.copyRow(from + i, row);
                System.arraycopy(row, 0, block, i * d, d);
            }
            int parts = (n + ENCODE_ROWS_PER_TASK - 1) / ENCODE_ROWS_PER_TASK;
            backend.forEachQuery(parts, t -> {
                float[] x = new float[d];
                float[] table = new float[m * ksub];
                for (int i = t * ENCODE_ROWS_PER_TASK; i < Math.min(n, (t + 1) * ENCODE_ROWS_PER_TASK); i++) {
                    System.arraycopy(block, i * d, x, 0, d);
                    encode(x, kernels, table, codes, (long) i * codeSize);
                }
            });
            MemorySegment.copy(codes, 0, out, outOffset + (long) from * codeSize, (long) n * codeSize);
        }
    }

    /** Sub-quantiser mi's centroid number in the code at {@code codes[offset]}. */
    public int codeAt(MemorySegment codes, long offset, int mi) {
        if (nbits == 8) return codes.get(ValueLayout.JAVA_BYTE, offset + mi) & 0xff;
        int b = codes.get(ValueLayout.JAVA_BYTE, offset + (mi >> 1)) & 0xff;
        return (mi & 1) == 0 ? b & 15 : b >>> 4;
    }

    /** Decodes the code at {@code codes[offset]} into {@code out[outOffset .. outOffset+d)}. */
    public void decode(MemorySegment codes, long offset, float[] out, int outOffset) {
        checkTrained();
        for (int mi = 0; mi < m; mi++) {
            System.arraycopy(centroids, (mi * ksub + codeAt(codes, offset, mi)) * dsub, out, outOffset + mi * dsub, dsub);
        }
    }

    private void checkTrained() {
        if (centroids == null) throw new IllegalStateException("the product quantizer is not trained");
    }

    @Override
    public String toString() {
        return "ProductQuantizer[d=" + d + ", M=" + m + ", nbits=" + nbits + (isTrained() ? "" : ", untrained") + "]";
    }
}
