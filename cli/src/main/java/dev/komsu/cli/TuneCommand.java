package dev.komsu.cli;

import dev.komsu.Index;
import dev.komsu.ProgressListener;
import dev.komsu.StoredSearchParams;
import dev.komsu.index.RefineFlatIndex;
import dev.komsu.io.FaissIndexes;
import dev.komsu.io.LoadedIndex;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.tune.GroundTruth;
import dev.komsu.tune.OperatingPoint;
import dev.komsu.tune.OperatingPoints;
import dev.komsu.tune.ParameterSpace;
import dev.komsu.tune.ParameterSpace.Parameter;
import dev.komsu.tune.TuneOptions;
import dev.komsu.tune.Tuner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code komsu tune}: explores an index's search parameters (nprobe, k_factor, efSearch) over a
 * query set as faiss's auto-tuning does, prints the recall@k / QPS table of the settings measured
 * with their Pareto front, optionally plots it, and with a goal writes a copy of the index that
 * stores the setting found, which {@code komsu search} (and faiss) then use by default.
 */
@Command(name = "tune", mixinStandardHelpOptions = true,
        description = "Find the search parameters that trade recall for speed best (faiss's auto-tuning).")
final class TuneCommand extends CliCommand {
    @Mixin
    IndexLoading indexLoading = new IndexLoading();

    @Mixin
    Reporting reporting = new Reporting();

    @Option(names = "--index", required = true, paramLabel = "F.index", description = "faiss-format index file")
    Path indexFile;

    @Option(names = "--queries", required = true, paramLabel = "Q.npy", description = "float32/float16/float64 .npy matrix of queries (float64 is rounded to float32)")
    Path queries;

    @Option(names = "--ground-truth", paramLabel = "I.npy",
            description = "int64 .npy, nq x k: the exact neighbours' ids (default: computed from the index's exact vectors,"
                    + " which Flat, IVF-Flat, HNSW and RFlat indexes keep)")
    Path groundTruth;

    @Option(names = "--k", defaultValue = "10", paramLabel = "K",
            description = "neighbours per query; recall is recall@K (default: ${DEFAULT-VALUE})")
    int k;

    @Option(names = "--target-recall", paramLabel = "R", description = "find the fastest setting with recall@K >= R")
    Double targetRecall;

    @Option(names = "--max-qps-loss", paramLabel = "X",
            description = "find the most accurate setting with QPS >= (1 - X) x the fastest setting's")
    Double maxQpsLoss;

    @Option(names = "--nprobe", split = ",", paramLabel = "P,...",
            description = "nprobe values to try (default: 1, 2, 4, ... below nlist)")
    double[] nprobes;

    @Option(names = "--k-factor", split = ",", paramLabel = "R,...",
            description = "k_factor values to try (default: 1, 2, 4, ..., 64)")
    double[] kFactors;

    @Option(names = "--ef-search", split = ",", paramLabel = "EF,...",
            description = "efSearch values to try (default: 4, 8, ..., 512)")
    double[] efSearches;

    @Option(names = "--exhaustive", description = "measure every setting, skipping none")
    boolean exhaustive;

    @Option(names = "--backend", defaultValue = "auto", paramLabel = "auto|cpu|opencl|scalar",
            description = "compute backend (default: ${DEFAULT-VALUE})")
    String backend;

    @Option(names = "--threads", paramLabel = "T", description = "search threads (default: all processors)")
    Integer threads;

    @Option(names = "--plot", paramLabel = "OUT.png", description = "also draw recall@K against QPS as a PNG")
    Path plot;

    @Option(names = "--output", paramLabel = "F2.index",
            description = "with a goal: write a copy of the index storing the setting found (komsu search then uses it)")
    Path output;

    @Override
    void execute() throws Exception {
        reporting.check();
        InputErrors.checkPositive("--k", k);
        TuneOptions options = TuneOptions.defaults(k).withExhaustive(exhaustive);
        if (targetRecall != null && maxQpsLoss != null) {
            throw new IllegalArgumentException("give --target-recall or --max-qps-loss, not both");
        }
        if (targetRecall != null) {
            if (!(targetRecall > 0 && targetRecall <= 1)) {
                throw new IllegalArgumentException("--target-recall must be in (0, 1], got " + targetRecall);
            }
            options = options.withTargetRecall(targetRecall);
        }
        if (maxQpsLoss != null) {
            if (!(maxQpsLoss >= 0 && maxQpsLoss < 1)) {
                throw new IllegalArgumentException("--max-qps-loss must be in [0, 1), got " + maxQpsLoss);
            }
            options = options.withMaxQpsLoss(maxQpsLoss);
        }
        if (output != null && targetRecall == null && maxQpsLoss == null) {
            throw new IllegalArgumentException("--output writes the setting a goal picks: give --target-recall R or --max-qps-loss X");
        }
        int t = CliArgs.threads(threads);
        InputErrors.checkInputFile("--index", indexFile);
        InputErrors.checkInputFile("--queries", queries);
        if (groundTruth != null) InputErrors.checkInputFile("--ground-truth", groundTruth);
        for (Path out : new Path[] {plot, output}) {
            if (out == null) continue;
            String name = out == plot ? "--plot" : "--output";
            InputErrors.checkOutputFile(name, out);
            InputErrors.checkDistinct("--index", indexFile, name, out);
            InputErrors.checkDistinct("--queries", queries, name, out);
            if (groundTruth != null) InputErrors.checkDistinct("--ground-truth", groundTruth, name, out);
        }
        if (plot != null && output != null) InputErrors.checkDistinct("--plot", plot, "--output", output);
        GroundTruth gt = groundTruth == null ? null : readGroundTruth();

        ProgressListener progress = reporting.progress();
        try (ComputeBackend compute = CliArgs.backend(backend, t);
             LoadedIndex loaded = FaissIndexes.load(indexFile, compute, indexLoading.options());
             FloatMatrix qs = NpyInputs.read("tune", "--queries", queries, reporting.err())) {
            Index index = loaded.index();
            if (gt != null && gt.nq() != qs.rows()) {
                throw new IllegalArgumentException("--ground-truth has " + gt.nq() + " rows, --queries " + qs.rows());
            }
            ParameterSpace space = space(index);
            if (gt == null) gt = exactNeighbours(index, qs);
            options = options.withGroundTruth(gt).withSpace(space);
            int total = options.space().combinations();
            int[] seen = {0};
            OperatingPoints points = Tuner.tune(index, qs, options,
                    (p, op, skipped) -> progress.onProgress("tune", ++seen[0], total));
            reporting.finish(progress);
            // describe() starts with the factory string, less a refine wrapper's ",RFlat"
            String kind = index.describe().split(" ")[0]
                    + (StoredSearchParams.part(index, RefineFlatIndex.class) != null ? ",RFlat" : "");
            printTable(out(), points, kind, qs.rows(), compute.name(), t);
            OperatingPoint chosen = Tuner.choice(points, options).orElse(null);
            if (targetRecall != null && chosen == null) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "no setting reached recall@%d >= %s: the best was %.4f (%s); nothing written", k, targetRecall,
                        points.bestRecall(), best(points).params()));
            }
            if (chosen != null) {
                out().printf(Locale.ROOT, "chosen (%s): %s, recall@%d %.4f, %.0f QPS%n", goal(), chosen.params(), k,
                        chosen.recall(), chosen.qps());
            }
            if (output != null) {
                StoredSearchParams.store(index, chosen.params());
                FaissIndexes.write(index, output);
            }
            if (plot != null) {
                try {
                    TunePlot.write(plot, kind + ": recall@" + k + " vs QPS (" + qs.rows() + " queries, T=" + t + ")", k,
                            points, chosen);
                } catch (Exception e) { // both outputs or neither
                    if (output != null) Files.deleteIfExists(output);
                    throw e;
                }
            }
            if (output != null) out().println("wrote " + output + " storing " + StoredSearchParams.of(index));
            if (plot != null) out().println("wrote " + plot);
        } finally {
            reporting.finish(progress);
        }
    }

    private GroundTruth readGroundTruth() throws IOException {
        try {
            GroundTruth gt = GroundTruth.read(groundTruth);
            if (gt.k() < k) {
                throw new IllegalArgumentException("--ground-truth " + groundTruth + " has " + gt.k() + " neighbours per query,"
                        + " recall@" + k + " needs at least " + k + " (lower --k)");
            }
            return gt;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().startsWith("--ground-truth") ? e.getMessage()
                    : "--ground-truth: " + e.getMessage());
        }
    }

    private GroundTruth exactNeighbours(Index index, FloatMatrix qs) {
        out().println("computing the exact neighbours of " + qs.rows() + " queries (--ground-truth I.npy skips this)");
        try {
            return GroundTruth.exact(index, qs, k);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + ": give them with --ground-truth I.npy");
        }
    }

    /** faiss's default space for the index, with the values given on the command line. */
    private ParameterSpace space(Index index) {
        ParameterSpace s = ParameterSpace.forIndex(index);
        try {
            if (nprobes != null) s = s.with(Parameter.NPROBE, nprobes);
            if (kFactors != null) s = s.with(Parameter.K_FACTOR, kFactors);
            if (efSearches != null) s = s.with(Parameter.EF_SEARCH, efSearches);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replace("nprobe values were", "--nprobe was")
                    .replace("k_factor values were", "--k-factor was").replace("efSearch values were", "--ef-search was"));
        }
        return s;
    }

    private String goal() {
        return targetRecall != null ? "the fastest with recall@" + k + " >= " + targetRecall
                : "the most accurate within " + maxQpsLoss + " of the best QPS";
    }

    private static OperatingPoint best(OperatingPoints points) {
        return points.all().stream().max(Comparator.comparingDouble(OperatingPoint::recall)).orElseThrow();
    }

    /** The settings measured, by recall; '*' marks the Pareto front. */
    private void printTable(PrintWriter out, OperatingPoints points, String kind, long nq, String backendName, int t) {
        out.printf(Locale.ROOT, "tuned %s over %d queries, k=%d, backend %s, T=%d: %d of %d settings measured%n",
                kind, nq, k, backendName, t, points.all().size(), points.combinations());
        out.printf(Locale.ROOT, "%-28s %10s %12s %10s %s%n", "params", "recall@" + k, "QPS", "ms/query", "front");
        List<OperatingPoint> front = points.front();
        List<OperatingPoint> rows = points.all().stream()
                .sorted(Comparator.comparingDouble(OperatingPoint::recall).thenComparingDouble(OperatingPoint::seconds))
                .toList();
        for (OperatingPoint op : rows) {
            out.printf(Locale.ROOT, "%-28s %10.4f %12.1f %10.4f %s%n", op.params(), op.recall(), op.qps(), op.msPerQuery(),
                    front.contains(op) ? "*" : "");
        }
    }
}
