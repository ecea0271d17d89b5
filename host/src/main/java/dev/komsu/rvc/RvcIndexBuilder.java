package dev.komsu.rvc;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.ProgressListener;
import dev.komsu.index.IvfIndex;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Builds an index the way RVC's {@code train_index} does: factory {@code IVF{n},Flat} with
 * {@code n = min(int(16 * sqrt(N)), N // 39)} unless another factory string is given, train on
 * the features, then add them in batches of 8192. Immutable settings; {@link #build} may be
 * called from several threads on different inputs.
 */
public final class RvcIndexBuilder {
    /** RVC's {@code batch_size_add}. */
    public static final int ADD_BATCH = 8192;
    /** faiss's sampling seed, reused for {@code trainRows} sub-sampling. */
    static final long TRAIN_SAMPLE_SEED = 1234;

    private final String factory;
    private final Metric metric;
    private final long trainRows;
    private final ComputeBackend backend;
    private final ProgressListener progress;

    /**
     * @param factory   faiss factory string, or null for RVC's {@code IVF{n},Flat} rule
     * @param metric    distance of the index (RVC: L2)
     * @param trainRows train on this many rows drawn at random (seed 1234), 0 for all rows
     * @param backend   backend of the new index (the caller keeps ownership)
     * @param progress  receives "k-means" iterations and "add" rows
     */
    public RvcIndexBuilder(String factory, Metric metric, long trainRows, ComputeBackend backend,
                           ProgressListener progress) {
        if (trainRows < 0) throw new IllegalArgumentException("train rows must be >= 0 (0 = all), got " + trainRows);
        this.factory = factory;
        this.metric = Objects.requireNonNull(metric, "metric");
        this.trainRows = trainRows;
        this.backend = Objects.requireNonNull(backend, "backend");
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    /** RVC's factory string for N training vectors: {@code "IVF" + n + ",Flat"}. */
    public static String rvcFactory(long n) {
        return "IVF" + IndexFactory.rvcNlist(n) + ",Flat";
    }

    /** The factory string {@link #build} uses for {@code n} vectors. */
    public String factoryFor(long n) {
        return factory != null ? factory : rvcFactory(n);
    }

    /** A new trained index holding every row of {@code features} (ids 0..N-1); the caller closes it. */
    public Index build(FloatMatrix features) {
        Index index = create(features);
        try {
            train(index, features);
            add(index, features);
            return index;
        } catch (RuntimeException | Error e) {
            index.close();
            throw e;
        }
    }

    /** Step 1 of {@link #build}: the empty index for {@code features}, reporting k-means progress. */
    public Index create(FloatMatrix features) {
        long n = features.rows();
        if (n == 0) throw new IllegalArgumentException("no feature vectors to index (0 rows)");
        Index index = IndexFactory.create(features.cols(), factoryFor(n), metric, backend);
        IvfIndex ivf = IvfIndex.find(index);
        if (ivf != null) ivf.setProgressListener(progress);
        return index;
    }

    /** Step 2 of {@link #build}: trains on all rows, or on {@code trainRows} drawn at random. */
    public void train(Index index, FloatMatrix features) {
        if (trainRows == 0 || trainRows >= features.rows()) {
            index.train(features);
        } else {
            try (FloatMatrix sample = sampleRows(features, trainRows, TRAIN_SAMPLE_SEED)) {
                index.train(sample);
            }
        }
    }

    /** Step 3 of {@link #build}: adds every row in batches of {@link #ADD_BATCH}, reporting "add" progress. */
    public void add(Index index, FloatMatrix features) {
        long n = features.rows();
        for (long from = 0; from < n; from += ADD_BATCH) {
            index.add(features.rowRange(from, Math.min(ADD_BATCH, n - from)));
            progress.onProgress("add", Math.min(from + ADD_BATCH, n), n);
        }
    }

    /** {@code count} distinct rows of {@code xs} chosen at random with {@code seed}, kept in their original order. */
    static FloatMatrix sampleRows(FloatMatrix xs, long count, long seed) {
        int n = Math.toIntExact(xs.rows());
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        SplittableRandom random = new SplittableRandom(seed);
        int m = Math.toIntExact(count);
        for (int i = 0; i < m; i++) { // partial Fisher-Yates: the first m slots are the sample
            int j = i + random.nextInt(n - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] chosen = Arrays.copyOf(order, m);
        Arrays.sort(chosen);
        FloatMatrix out = FloatMatrix.allocate(m, xs.cols());
        for (int i = 0; i < m; i++) {
            MemorySegment.copy(xs.segment(), xs.rowOffset(chosen[i]), out.segment(), out.rowOffset(i),
                    (long) xs.cols() * Float.BYTES);
        }
        return out;
    }

    /**
     * Shuffles the rows of {@code xs} in place with {@code seed} (RVC shuffles big_npy with an
     * unseeded {@code np.random.shuffle}; a seed makes the index reproducible).
     */
    public static void shuffleRows(FloatMatrix xs, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] a = new float[xs.cols()];
        float[] b = new float[xs.cols()];
        for (long i = xs.rows() - 1; i > 0; i--) {
            long j = random.nextLong(i + 1);
            if (j == i) continue;
            xs.copyRow(i, a, 0);
            xs.copyRow(j, b, 0);
            xs.setRow(i, b, 0);
            xs.setRow(j, a, 0);
        }
    }
}
