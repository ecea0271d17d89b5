package dev.komsu.demo;

import dev.komsu.Index;
import dev.komsu.ProgressListener;
import dev.komsu.SearchParams;
import dev.komsu.index.FlatIndex;
import dev.komsu.io.FaissIndexes;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.rvc.FeatureRetrieval;
import dev.komsu.rvc.RvcIndexBuilder;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code scripts/demo}: RVC's index job on an embedded, deterministic data set. Builds
 * IVF{n},Flat with RVC's n rule over a 256-d Gaussian mixture, searches held-out queries at
 * nprobe 1 and 8, and prints recall against exact (Flat) search, QPS and train/add times.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Build and search an RVC-style IVF index on a synthetic RVC-shaped data set.")
public final class RvcDemo implements Callable<Integer> {
    private static final int K = 10;

    @Option(names = "--rows", defaultValue = "50000", description = "stored vectors (default: ${DEFAULT-VALUE})")
    int rows;

    @Option(names = "--queries", defaultValue = "1000", description = "held-out queries (default: ${DEFAULT-VALUE})")
    int queries;

    @Option(names = "--dim", defaultValue = "256", description = "dimension; RVC v1 256, v2 768 (default: ${DEFAULT-VALUE})")
    int dim;

    @Option(names = "--threads", description = "threads (default: all processors)")
    Integer threads;

    @Option(names = "--output", description = "index file to write (default: <tmp>/komsu-demo/rvc-demo.index)")
    Path output;

    @Spec
    CommandSpec spec;

    private final PrintStream out;

    /** A demo that reports on {@code out}. */
    public RvcDemo(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new RvcDemo(System.out)).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (rows <= 0 || queries <= 0 || dim <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rows, --queries and --dim must be > 0");
        }
        int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        Path file = output != null ? output : Path.of(System.getProperty("java.io.tmpdir"), "komsu-demo", "rvc-demo.index");
        GaussianMixture mixture = GaussianMixture.rvcShaped(dim);
        try (ComputeBackend backend = Backends.cpu(t);
             FloatMatrix base = mixture.sample(rows, 1);
             FloatMatrix qs = mixture.sample(queries, 2)) {
            out.printf("data: %d x %d Gaussian mixture (%d clusters, seed 42), %d held-out queries; backend %s, %d threads%n",
                    rows, dim, mixture.clusters(), queries, backend.name(), t);
            out.println("recall@1: share of queries whose first result is the exact nearest; recall@10: share of the"
                    + " exact 10 nearest found in the first 10");
            Neighbors exact = exactSearch(base, qs, backend);

            RvcIndexBuilder builder = new RvcIndexBuilder(null, Metric.L2, 0, backend, ProgressListener.NONE);
            try (Index index = builder.create(base)) {
                long t0 = System.nanoTime();
                builder.train(index, base);
                long t1 = System.nanoTime();
                builder.add(index, base);
                long t2 = System.nanoTime();
                out.printf("index: %s (RVC rule n = min(16*sqrt(N), N/39)); train %.2f s, add %.2f s%n",
                        builder.factoryFor(rows), (t1 - t0) / 1e9, (t2 - t1) / 1e9);
                for (int nprobe : new int[] {1, 8}) {
                    search(index, qs, nprobe, exact);
                }
                blend(index, qs);
                Files.createDirectories(file.toAbsolutePath().getParent());
                FaissIndexes.write(index, file);
                out.printf("index written (faiss format, %d bytes): %s%n", Files.size(file), file);
            }
        }
        return 0;
    }

    private Neighbors exactSearch(FloatMatrix base, FloatMatrix qs, ComputeBackend backend) {
        try (FlatIndex flat = new FlatIndex(base.cols(), Metric.L2, backend)) {
            flat.add(base);
            long t0 = System.nanoTime();
            Neighbors exact = flat.search(qs, K);
            double s = (System.nanoTime() - t0) / 1e9;
            out.printf("exact (Flat) search, k=%d: %.3f s, %.0f QPS%n", K, s, qs.rows() / s);
            return exact;
        }
    }

    private void search(Index index, FloatMatrix qs, int nprobe, Neighbors exact) {
        SearchParams params = SearchParams.builder().nprobe(nprobe).build();
        // Best of 3 runs: the first compiles the scan path (JIT), and the machine may be shared.
        Neighbors found = null;
        double s = Double.MAX_VALUE;
        for (int run = 0; run < 3; run++) {
            long t0 = System.nanoTime();
            found = index.search(qs, K, params);
            s = Math.min(s, (System.nanoTime() - t0) / 1e9);
        }
        Recall r = Recall.of(found, exact);
        out.printf("nprobe %d: recall@1 %.3f, recall@10 %.3f, %.0f QPS (%d queries in %.3f s, best of 3)%n",
                nprobe, r.at1(), r.at10(), qs.rows() / s, qs.rows(), s);
    }

    private void blend(Index index, FloatMatrix qs) {
        long t0 = System.nanoTime();
        try (FloatMatrix blended = FeatureRetrieval.blend(index, qs, FeatureRetrieval.DEFAULT_K,
                FeatureRetrieval.DEFAULT_INDEX_RATE)) {
            double s = (System.nanoTime() - t0) / 1e9;
            out.printf("blend (k=8, index rate 0.75, nprobe 1) of %d frames: %.3f s%n", blended.rows(), s);
        }
    }
}
