package dev.komsu.bench.harness;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.bench.data.Dataset;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.Transfers;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one index string on one komsu backend and thread count: create through
 * {@link IndexFactory}, train and add the whole base (timed once), then per search setting
 * warm-up searches (about a second) and {@code runs} timed searches of the whole query batch in one call. A
 * string the factory rejects, or a step that fails, becomes an error row; the run goes on.
 */
public final class KomsuRunner {
    /** Warm-up searches go on until this much time has passed (or {@link #MAX_WARMUP_SEARCHES}); compare_faiss.py does the same. */
    static final long WARMUP_NANOS = 1_000_000_000L;
    static final int MAX_WARMUP_SEARCHES = 10;
    private final Dataset data;
    private final SearchGrid grid;
    private final int runs;
    private final int k;
    private final SerializedSize sizer;
    private final LabelAgreement agreement;

    public KomsuRunner(Dataset data, SearchGrid grid, int runs, int k, SerializedSize sizer) {
        this(data, grid, runs, k, sizer, null);
    }

    /** As above; {@code agreement} (may be null) is given the labels of every setting's last timed search. */
    public KomsuRunner(Dataset data, SearchGrid grid, int runs, int k, SerializedSize sizer, LabelAgreement agreement) {
        if (runs < 1) throw new IllegalArgumentException("runs must be >= 1, got " + runs);
        this.data = data;
        this.grid = grid;
        this.runs = runs;
        this.k = k;
        this.sizer = sizer;
        this.agreement = agreement;
    }

    public List<ResultRow> run(String factory, Backends.Kind kind, int threads) {
        String backendName = kind.name().toLowerCase(java.util.Locale.ROOT);
        List<ResultRow> rows = new ArrayList<>();
        List<SearchGrid.Setting> settings = grid.settingsFor(factory);
        ComputeBackend backend;
        try {
            backend = Backends.select(kind, threads);
        } catch (RuntimeException e) {
            for (SearchGrid.Setting s : settings) rows.add(failed(backendName, backendName, factory, s, threads, e));
            return rows;
        }
        try (backend) {
            String build = "komsu " + backend.name();
            Index index;
            try {
                index = IndexFactory.create(data.dim(), factory, Metric.L2, backend);
            } catch (RuntimeException e) {
                for (SearchGrid.Setting s : settings) rows.add(failed(build, backendName, factory, s, threads, e));
                return rows;
            }
            try (index) {
                double trainS;
                double addS;
                try {
                    log("komsu %s T=%d %s: train", backendName, threads, factory);
                    long t0 = System.nanoTime();
                    index.train(data.base());
                    trainS = seconds(System.nanoTime() - t0);
                    log("komsu %s T=%d %s: train %.1f s, add", backendName, threads, factory, trainS);
                    t0 = System.nanoTime();
                    index.add(data.base());
                    addS = seconds(System.nanoTime() - t0);
                } catch (RuntimeException | OutOfMemoryError e) {
                    for (SearchGrid.Setting s : settings) rows.add(failed(build, backendName, factory, s, threads, e));
                    return rows;
                }
                long bytes = sizer.bytes(index);
                for (SearchGrid.Setting s : settings) {
                    try {
                        rows.add(search(index, backend, s, build, backendName, factory, threads, trainS, addS, bytes));
                    } catch (RuntimeException | OutOfMemoryError e) {
                        rows.add(failed(build, backendName, factory, s, threads, e));
                    }
                }
            }
        }
        return rows;
    }

    private ResultRow search(Index index, ComputeBackend backend, SearchGrid.Setting s, String build, String backendName, String factory,
                             int threads, double trainS, double addS, long bytes) {
        var params = s.toParams();
        // Warm-up (JIT, OpenCL first-launch compilation, caches): at least one search and about a second.
        long warmStart = System.nanoTime();
        for (int w = 0; w < MAX_WARMUP_SEARCHES && (w == 0 || System.nanoTime() - warmStart < WARMUP_NANOS); w++) {
            index.search(data.queries(), k, params);
        }
        List<Double> qps = new ArrayList<>();
        Neighbors last = null;
        Transfers moved = Transfers.NONE;
        for (int r = 0; r < runs; r++) {
            Transfers before = backend.transfers();
            long t0 = System.nanoTime();
            last = index.search(data.queries(), k, params);
            qps.add(data.queries().rows() / seconds(System.nanoTime() - t0));
            moved = backend.transfers().since(before);
        }
        if (!moved.equals(Transfers.NONE)) {
            log("komsu %s T=%d %s %s: one search of %d queries moved %d bytes host->device, %d device->host",
                    backendName, threads, factory, s.label(), data.queries().rows(), moved.hostToDevice(),
                    moved.deviceToHost());
        }
        Recall recall = Recall.of(last.labels(), k, data.groundTruth());
        if (agreement != null) agreement.record(factory, s.label(), threads, backendName, last.labels());
        double median = Stats.median(qps);
        log("komsu %s T=%d %s %s: %.0f QPS, R10@10 %.3f", backendName, threads, factory, s.label(), median, recall.r10At10());
        return new ResultRow(data.name(), "komsu", build, backendName, factory, s.label(), threads, k, trainS, addS,
                median, qps, recall, bytes, false, null);
    }

    private ResultRow failed(String build, String backendName, String factory, SearchGrid.Setting s, int threads, Throwable e) {
        String why = e.getClass().getSimpleName() + ": " + e.getMessage();
        log("komsu %s T=%d %s %s: %s", backendName, threads, factory, s.label(), why);
        return ResultRow.failed(data.name(), "komsu", build, backendName, factory, s.label(), threads, k, why);
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    static void log(String format, Object... args) {
        System.err.println("[bench] " + String.format(java.util.Locale.ROOT, format, args));
    }
}
