package dev.komsu.bench.harness;

import dev.komsu.bench.data.Dataset;
import dev.komsu.kernels.FloatMatrix;
import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ForkJoinPool;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JVector (io.github.jbellis:jvector) as a third system beside komsu and faiss, for the graph
 * index strings ({@code HNSW{M}}, {@code HNSW{M},Flat}): builds a JVector graph over the same
 * base vectors with the same (L2) similarity, searches the same queries for every efSearch of the
 * grid and scores them against the same ground truth. Rows have system "jvector" and the same
 * params labels as komsu's and faiss's HNSW rows ("efSearch=64").
 *
 * <p>Matched to faiss's HNSW{M}: the base layer keeps up to 2M neighbours (faiss's level 0), the
 * build beam is faiss's default efConstruction 40, with a hierarchy. JVector's search width is
 * its {@code rerankK}: with exact scores it is the beam of candidates kept, as efSearch is faiss's
 * (never below k). The build runs on T threads; the queries are split over T threads, one
 * {@link GraphSearcher} each (a searcher is not thread-safe).
 */
public final class JVectorRunner {
    /** faiss's and komsu's default HNSW efConstruction. */
    static final int BEAM_WIDTH = 40;
    /** JVector's recommended neighbour overflow and diversity alpha for in-memory graphs. */
    static final float NEIGHBOR_OVERFLOW = 1.2f;
    static final float ALPHA = 1.2f;
    private static final Pattern HNSW = Pattern.compile("(?:^|,)\\s*HNSW(\\d+)\\s*(?:,|$)");
    private static final VectorTypeSupport VTS = VectorizationProvider.getInstance().getVectorTypeSupport();

    private final Dataset data;
    private final SearchGrid grid;
    private final int runs;
    private final int k;

    public JVectorRunner(Dataset data, SearchGrid grid, int runs, int k) {
        if (runs < 1) throw new IllegalArgumentException("runs must be >= 1, got " + runs);
        this.data = data;
        this.grid = grid;
        this.runs = runs;
        this.k = k;
    }

    /** HNSW{M}'s M, or -1 when {@code factory} is not a graph index JVector can stand in for. */
    static int graphDegree(String factory) {
        Matcher m = HNSW.matcher(factory);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** What ran, for the build column: JVector's version and the graph's settings. */
    static String build(int m) {
        return String.format(Locale.ROOT, "jvector %s (max degree %d = 2M, beam %d, alpha %.1f, overflow %.1f, hierarchy, "
                + "exact L2 scores, %s)", version(), 2 * m, BEAM_WIDTH, ALPHA, NEIGHBOR_OVERFLOW,
                VectorizationProvider.getInstance().getClass().getSimpleName());
    }

    /** The jar's own record of its version (its manifest has none). */
    static String version() {
        try (InputStream in = GraphIndexBuilder.class.getResourceAsStream("/META-INF/maven/io.github.jbellis/jvector-base/pom.properties")) {
            if (in == null) return "(version unknown)";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "(version unknown)");
        } catch (IOException e) {
            return "(version unknown: " + e.getMessage() + ")";
        }
    }

    /** One row per efSearch of the grid; empty when {@code factory} is not HNSW{M}. */
    public List<ResultRow> run(String factory, int threads) {
        int m = graphDegree(factory);
        if (m < 1) return List.of();
        List<SearchGrid.Setting> settings = grid.settingsFor(factory);
        List<ResultRow> rows = new ArrayList<>();
        String build = build(m);
        RandomAccessVectorValues base = vectors(data.base());
        List<VectorFloat<?>> queries = toList(data.queries());
        ImmutableGraphIndex graph;
        double buildS;
        // The builder's close ends only its own searchers; the graph it returns is closed after the searches.
        try (ForkJoinPool pool = new ForkJoinPool(threads);
             GraphIndexBuilder builder = new GraphIndexBuilder(
                     BuildScoreProvider.randomAccessScoreProvider(base, VectorSimilarityFunction.EUCLIDEAN),
                     data.dim(), 2 * m, BEAM_WIDTH, NEIGHBOR_OVERFLOW, ALPHA, true, true, pool, pool)) {
            KomsuRunner.log("jvector T=%d %s: build", threads, factory);
            long t0 = System.nanoTime();
            graph = builder.build(base);
            buildS = (System.nanoTime() - t0) / 1e9;
            KomsuRunner.log("jvector T=%d %s: build %.1f s", threads, factory, buildS);
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            for (SearchGrid.Setting s : settings) rows.add(failed(build, factory, s, threads, e));
            return rows;
        }
        try (graph) {
            for (SearchGrid.Setting s : settings) {
                try {
                    rows.add(search(graph, base, queries, s, build, factory, threads, buildS));
                } catch (RuntimeException | OutOfMemoryError e) {
                    rows.add(failed(build, factory, s, threads, e));
                }
            }
        } catch (IOException e) {
            KomsuRunner.log("jvector %s: closing the graph: %s", factory, e.getMessage()); // the rows are measured already
        }
        return rows;
    }

    private ResultRow search(ImmutableGraphIndex graph, RandomAccessVectorValues base, List<VectorFloat<?>> queries,
                             SearchGrid.Setting s, String build, String factory, int threads, double buildS) {
        int width = Math.max(s.efSearch(), k);
        long warmStart = System.nanoTime();
        for (int w = 0; w < KomsuRunner.MAX_WARMUP_SEARCHES && (w == 0 || System.nanoTime() - warmStart < KomsuRunner.WARMUP_NANOS); w++) {
            searchAll(graph, base, queries, width, threads);
        }
        List<Double> qps = new ArrayList<>();
        long[] labels = null;
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            labels = searchAll(graph, base, queries, width, threads);
            qps.add(queries.size() / ((System.nanoTime() - t0) / 1e9));
        }
        Recall recall = Recall.of(labels, k, data.groundTruth());
        double median = Stats.median(qps);
        KomsuRunner.log("jvector T=%d %s %s: %.0f QPS, R10@10 %.3f", threads, factory, s.label(), median, recall.r10At10());
        return new ResultRow(data.name(), "jvector", build, "-", factory, s.label(), threads, k, 0.0, buildS, median, qps,
                recall, -1, false, null);
    }

    /** Every query's k labels, row-major, -1 where fewer were found; queries split into T contiguous blocks. */
    private long[] searchAll(ImmutableGraphIndex graph, RandomAccessVectorValues base, List<VectorFloat<?>> queries, int width,
                             int threads) {
        long[] labels = new long[queries.size() * k];
        Arrays.fill(labels, -1);
        int per = (queries.size() + threads - 1) / threads;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int from = Math.min(queries.size(), t * per);
            int to = Math.min(queries.size(), from + per);
            Runnable block = () -> searchBlock(graph, base, queries, from, to, width, labels);
            if (threads == 1) block.run();
            else workers.add(Thread.ofPlatform().start(block));
        }
        for (Thread w : workers) {
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while JVector searched", e);
            }
        }
        return labels;
    }

    private void searchBlock(ImmutableGraphIndex graph, RandomAccessVectorValues base, List<VectorFloat<?>> queries, int from,
                             int to, int width, long[] labels) {
        RandomAccessVectorValues view = base.threadLocalSupplier().get();
        try (GraphSearcher searcher = new GraphSearcher(graph)) {
            for (int q = from; q < to; q++) {
                var score = DefaultSearchScoreProvider.exact(queries.get(q), VectorSimilarityFunction.EUCLIDEAN, view);
                SearchResult result = searcher.search(score, k, width, 0f, 0f, Bits.ALL);
                SearchResult.NodeScore[] nodes = result.getNodes();
                for (int i = 0; i < Math.min(k, nodes.length); i++) labels[q * k + i] = nodes[i].node;
            }
        } catch (IOException e) {
            throw new IllegalStateException("closing a JVector searcher: " + e.getMessage(), e);
        }
    }

    private static RandomAccessVectorValues vectors(FloatMatrix m) {
        return new ListRandomAccessVectorValues(toList(m), m.cols());
    }

    private static List<VectorFloat<?>> toList(FloatMatrix m) {
        if (m.rows() > Integer.MAX_VALUE) throw new IllegalArgumentException("JVector holds at most 2^31-1 vectors, got " + m.rows());
        List<VectorFloat<?>> out = new ArrayList<>((int) m.rows());
        for (long r = 0; r < m.rows(); r++) out.add(VTS.createFloatVector(m.row(r)));
        return out;
    }

    private ResultRow failed(String build, String factory, SearchGrid.Setting s, int threads, Throwable e) {
        String why = e.getClass().getSimpleName() + ": " + e.getMessage();
        KomsuRunner.log("jvector T=%d %s %s: %s", threads, factory, s.label(), why);
        return ResultRow.failed(data.name(), "jvector", build, "-", factory, s.label(), threads, k, why);
    }
}
