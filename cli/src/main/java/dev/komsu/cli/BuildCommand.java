package dev.komsu.cli;

import dev.komsu.Index;
import dev.komsu.ProgressListener;
import dev.komsu.index.HnswCoarseQuantizer;
import dev.komsu.SearchParams;
import dev.komsu.StoredSearchParams;
import dev.komsu.index.HnswIndex;
import dev.komsu.index.InputChecks;
import dev.komsu.index.IvfIndex;
import dev.komsu.index.hnsw.HnswGraph;
import dev.komsu.io.FaissIndexes;
import dev.komsu.io.Npy;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.rvc.RvcIndexBuilder;
import dev.komsu.rvc.RvcReduction;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code komsu build}: features (.npy, or a folder of .npy concatenated in file-name order as
 * RVC does) -> trained index -> faiss-format file. Everything is checked and computed before
 * anything is written; the outputs are written atomically at the end.
 */
@Command(name = "build", mixinStandardHelpOptions = true,
        description = "Train an index on feature vectors and write it in faiss's format.")
final class BuildCommand extends CliCommand {
    @Mixin
    Reporting reporting = new Reporting();

    @Option(names = "--input", required = true, paramLabel = "X.npy|DIR",
            description = "float32/float16/float64 .npy matrix, or a folder of them (concatenated in file-name order;"
                    + " float64 is rounded to float32)")
    Path input;

    @Option(names = "--factory", paramLabel = "STR",
            description = "faiss factory string, e.g. \"IVF1024,Flat\"; default RVC's \"IVF{n},Flat\", n = min(16*sqrt(N), N/39)")
    String factory;

    @Option(names = "--metric", defaultValue = "l2", paramLabel = "l2|ip|l1|linf",
            description = "distance: squared L2, inner product, or (Flat and IVF{n},Flat only) L1 or L-infinity"
                    + " (default: ${DEFAULT-VALUE})")
    String metric;

    @Option(names = "--train-rows", defaultValue = "0", paramLabel = "N",
            description = "train on N rows drawn at random (seed 1234); default 0 = all rows")
    long trainRows;

    @Option(names = "--threads", paramLabel = "T", description = "threads (default: all processors)")
    Integer threads;

    @Option(names = "--shuffle", paramLabel = "SEED", description = "shuffle the rows with this seed before training (RVC shuffles)")
    Long shuffleSeed;

    @Option(names = "--save-total", paramLabel = "PATH", description = "also write the (shuffled) concatenated features, RVC's total_fea.npy")
    Path saveTotal;

    @Option(names = "--no-reduce", description = "RVC mode (no --factory): keep every row; by default, as RVC's train_index,"
            + " more than 200000 rows are replaced by 10000 mini-batch k-means centres first")
    boolean noReduce;

    @Option(names = "--ef-construction", paramLabel = "EF",
            description = "HNSW (also an IVF's HNSW quantiser): candidates kept while linking a new vector (default: faiss's 40)")
    Integer efConstruction;

    @Option(names = "--nprobe", paramLabel = "P",
            description = "IVF: the nprobe stored in the file, which komsu search and faiss use when not given one (default: faiss's 1)")
    Integer nprobe;

    @Option(names = "--output", required = true, paramLabel = "F.index|DIR",
            description = "index file to write; with --rvc-name, the folder that receives RVC's pair of files")
    Path output;

    @Option(names = "--rvc-name", paramLabel = "NAME",
            description = "RVC mode: write the files RVC's tools look for into the --output folder,"
                    + " trained_IVF{n}_Flat_nprobe_1_{NAME}_{v1|v2}.index (after training, before adding) and"
                    + " added_IVF{n}_Flat_nprobe_1_{NAME}_{v1|v2}.index (v1 for 256-d features, v2 for 768-d)")
    String rvcName;

    @Override
    void execute() throws Exception {
        reporting.check();
        Metric m = CliArgs.parseMetric(metric);
        if (trainRows < 0) throw new IllegalArgumentException("--train-rows must be >= 0 (0 = all rows), got " + trainRows);
        int t = CliArgs.threads(threads);
        if (efConstruction != null) InputErrors.checkPositive("--ef-construction", efConstruction);
        if (nprobe != null) InputErrors.checkPositive("--nprobe", nprobe);
        if (!Files.exists(input)) throw new IllegalArgumentException("--input " + input + ": no such file or folder");
        RvcFileNames rvcFiles = rvcName == null ? null : RvcFileNames.check(rvcName, factory, output);
        if (rvcFiles == null) InputErrors.checkOutputFile("--output", output);
        if (saveTotal != null) {
            InputErrors.checkOutputFile("--save-total", saveTotal);
            InputErrors.checkDistinct("--save-total", saveTotal, "--output", output);
        }
        if (factory != null && java.util.Arrays.stream(factory.split(",")).map(String::strip)
                .anyMatch(token -> token.equals("IDMap") || token.equals("IDMap2"))) { // found by the CLI fuzzer: was exit 1
            throw new IllegalArgumentException("--factory " + factory + ": an IDMap index takes explicit ids (faiss:"
                    + " add_with_ids), and komsu build numbers rows 0..N-1; drop 'IDMap,' (the ids are the same)");
        }
        if (!Files.isDirectory(input) && rvcFiles == null) InputErrors.checkDistinct("--input", input, "--output", output);
        // --save-total over --input would replace the user's features with shuffled ones
        if (saveTotal != null && !Files.isDirectory(input)) InputErrors.checkDistinct("--input", input, "--save-total", saveTotal);
        if (saveTotal != null && Files.isDirectory(input) && Files.isSameFile(input, saveTotal.toAbsolutePath().getParent())) {
            throw new IllegalArgumentException("--save-total " + saveTotal + " is inside the --input folder: the next build"
                    + " would read it as a feature file (RVC keeps total_fea.npy beside the feature folder)");
        }

        ProgressListener progress = reporting.progress();
        long phase = System.nanoTime();
        try (ComputeBackend backend = Backends.cpu(t);
             FloatMatrix features = readFeatures()) {
            reporting.phase("load", phase);
            InputChecks.checkVectors("--input vectors", features, features.cols());
            if (shuffleSeed != null) RvcIndexBuilder.shuffleRows(features, shuffleSeed);
            RvcIndexBuilder builder = new RvcIndexBuilder(factory, m, trainRows, backend, progress);
            boolean reduce = factory == null && !noReduce && RvcReduction.applies(features.rows());
            try (FloatMatrix reduced = reduce ? RvcReduction.reduce(features, t, backend) : null;
                 Index index = builder.create(reduce ? reduced : features)) { // a bad factory string fails here, before any work
                if (reduce) {
                    out().println("reduced " + features.rows() + " rows to " + reduced.rows()
                            + " mini-batch k-means centres, as RVC does above " + RvcReduction.THRESHOLD_ROWS
                            + " rows (--no-reduce keeps them all)");
                }
                FloatMatrix indexed = reduce ? reduced : features;
                if (efConstruction != null) {
                    // a graph index, or an IVF index whose coarse quantiser is one (built when it trains)
                    HnswGraph graph = index instanceof HnswIndex hnsw ? hnsw.graph()
                            : index instanceof IvfIndex ivf && ivf.quantizer() instanceof HnswCoarseQuantizer q ? q.graph() : null;
                    if (graph == null) {
                        throw new IllegalArgumentException("--ef-construction applies to HNSW indexes (--factory HNSW32,"
                                + " IVF4096_HNSW32,Flat), not " + builder.factoryFor(indexed.rows()));
                    }
                    graph.setEfConstruction(efConstruction);
                }
                if (nprobe != null) { // before the work: a wrong flag costs no training
                    if (StoredSearchParams.of(index).nprobe() == 0) {
                        throw new IllegalArgumentException("--nprobe applies to IVF indexes (--factory IVF1024,Flat),"
                                + " not " + builder.factoryFor(indexed.rows()));
                    }
                    StoredSearchParams.store(index, SearchParams.builder().nprobe(nprobe).build());
                }
                String factoryString = builder.factoryFor(indexed.rows());
                Path trained = rvcFiles == null ? null : rvcFiles.trained(factoryString, indexed.cols());
                Path written = rvcFiles == null ? output : rvcFiles.added(factoryString, indexed.cols());
                long train = System.nanoTime();
                builder.train(index, indexed);
                reporting.finish(progress);
                reporting.timing("trained " + factoryString + " on " + indexed.rows() + " vectors in", train);
                if (trained != null) FaissIndexes.write(index, trained); // RVC keeps the trained, empty index too
                try {
                    long add = System.nanoTime();
                    builder.add(index, indexed);
                    reporting.finish(progress);
                    reporting.timing("added " + indexed.rows() + " vectors in", add);
                    long write = System.nanoTime();
                    FaissIndexes.write(index, written); // first: it rejects index types faiss's format cannot hold
                    if (saveTotal != null) {
                        try {
                            Npy.write(saveTotal, indexed); // RVC saves big_npy after reducing it
                        } catch (Exception e) { // both outputs or neither
                            Files.deleteIfExists(written);
                            throw e;
                        }
                    }
                    reporting.phase("write", write);
                } catch (Exception | Error e) { // all outputs or none
                    if (trained != null) Files.deleteIfExists(trained);
                    throw e;
                }
                out().println("built " + factoryString + " over " + indexed.rows() + " x "
                        + indexed.cols() + " vectors -> " + (trained != null ? trained + ", " + written : written));
            }
        } finally {
            reporting.finish(progress);
        }
    }

    /**
     * The features: a folder is concatenated into memory of its own; a single file is mapped
     * read-only (no copy for multi-GB inputs) and copied only when it must be shuffled in place.
     */
    private FloatMatrix readFeatures() throws Exception {
        FloatMatrix mapped = NpyInputs.read("build", "--input", input, reporting.err());
        if (Files.isDirectory(input) || shuffleSeed == null) return mapped; // a folder's matrix is already a copy
        try (mapped) {
            return mapped.copy();
        }
    }
}
