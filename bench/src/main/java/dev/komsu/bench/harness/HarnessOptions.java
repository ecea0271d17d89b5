package dev.komsu.bench.harness;

import dev.komsu.kernels.Backends;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The command line of {@code scripts/bench}. Flags (lists are comma-separated):
 * <pre>
 * --dataset NAME        fashion-mnist | rvc256 | rvc768 | sift1m-like | any name with --base/--queries
 * --base B.npy --queries Q.npy   a user's float32 .npy pair
 * --factory STR         index string, repeatable (default: per dataset, see {@link #DEFAULT_FACTORIES})
 * --nprobe 1,4,16       IVF nprobe values
 * --k-factor 4          refine (RFlat) k_factor values
 * --ef-search 16,64     HNSW efSearch values (HNSW{M} and HNSW{M},Flat strings; default 16,32,64,128,256);
 *                       with --jvector also JVector's search widths
 * --threads 1           thread counts
 * --backend cpu,opencl  komsu backends: cpu, opencl, scalar (default cpu, plus opencl when available)
 * --runs 3              timed searches per setting (median reported), after one warm-up
 * --compare-faiss       run Debian's faiss on the same grid (scripts/compare-faiss)
 * --jvector             run JVector on every HNSW{M} string too (graph degree 2M, beam 40), see {@link JVectorRunner}
 * --quick               subset (20000 base, 1000 queries), default factory IVF256,Flat
 * --out DIR             results folder (default .komsu-cache/results/DATASET)
 * --cache DIR           datasets and ground truth (default .komsu-cache/datasets)
 * --faiss-reference F   FAISS_REFERENCE.md (default ../shared/FAISS_REFERENCE.md)
 * --own-ground-truth    always compute komsu's full ground truth, even where make_datasets.py's
 *                       faiss ground truth passes the sampled check
 * --no-plot             no recall-qps.png: the plot needs java.desktop, which the GPU check's
 *                       small runtime image leaves out (scripts/gpu-bundle)
 * --no-reference-plot   leave the FAISS_REFERENCE.md rows (another machine) out of the plot; the table keeps them
 * --cpu TEXT            the CPU named in the plot's title and run.json (default: lscpu's model name)
 * </pre>
 */
public record HarnessOptions(String dataset, Path base, Path queries, List<String> factories, List<Integer> nprobes,
                             List<Double> kFactors, List<Integer> efSearches, List<Integer> threads, List<Backends.Kind> backends,
                             boolean backendsExplicit, int runs, boolean compareFaiss, boolean jvector, boolean quick,
                             boolean ownGroundTruth, boolean plot, boolean plotReference, String cpu,
                             Path out, Path cache, Path faissReference, Path home) {
    /**
     * Default index strings: FAISS_REFERENCE.md rows a default run (one thread) can afford here.
     * No Flat: a brute-force search of every query costs as much as the ground truth, four times
     * over (warm-up and three runs); ask for it with --factory Flat.
     */
    public static final Map<String, List<String>> DEFAULT_FACTORIES = Map.of(
            "fashion-mnist", List.of("IVF1024,Flat", "IVF1024,PQ392x4fs,RFlat", "IVF1024,SQ8"),
            "rvc256", List.of("IVF1024,Flat", "IVF1024,PQ128x4fs,RFlat", "IVF1024,SQ8"),
            "rvc768", List.of("IVF2048,Flat", "IVF2048,PQ384x4fs,RFlat"),
            "sift1m-like", List.of("IVF4096,Flat", "IVF4096,PQ32x4fs"));
    /** Default nprobe per dataset where 1,4,16 would not fit the time budget (rvc768's lists are very skewed). */
    public static final Map<String, List<Integer>> DEFAULT_NPROBE = Map.of("rvc768", List.of(1, 4));
    public static final List<String> QUICK_FACTORIES = List.of("IVF256,Flat");
    public static final long QUICK_BASE_ROWS = 20_000;
    public static final long QUICK_QUERY_ROWS = 1_000;

    public static final String USAGE = """
            usage: scripts/bench --dataset NAME [--base B.npy --queries Q.npy] [--factory STR]... [--nprobe 1,4,16]
                                 [--k-factor 4] [--ef-search 16,32,64,128,256] [--threads 1,2]
                                 [--backend cpu[,opencl][,scalar]] [--runs 3] [--compare-faiss] [--jvector] [--quick]
                                 [--out DIR] [--cache DIR] [--faiss-reference FILE] [--own-ground-truth] [--no-plot]
                                 [--no-reference-plot] [--cpu TEXT]
                   scripts/bench --replot DIR [--cpu TEXT] [--no-reference-plot]
              datasets: fashion-mnist, rvc256, rvc768, sift1m-like, or any name with --base and --queries
              defaults: factories per dataset (fashion-mnist: IVF1024,Flat, IVF1024,PQ392x4fs,RFlat, IVF1024,SQ8),
                        any other dataset: IVF<RVC's nlist rule>,Flat; --nprobe 1,4,16 (rvc768: 1,4), --k-factor 4, --threads 1, --backend cpu (+opencl when available),
                        --runs 3, --out .komsu-cache/results/DATASET
              --quick: first 20000 base vectors and 1000 queries, factory IVF256,Flat unless --factory is given
              --ef-search: efSearch grid of HNSW{M} / HNSW{M},Flat strings (komsu, faiss, and JVector's search width)
              --jvector: JVector (io.github.jbellis:jvector) on every HNSW{M} string, rows with system "jvector"
              --replot DIR: redraw DIR/recall-qps.png from DIR's results.jsonl (or komsu/faiss/jvector.jsonl, or
                        results.md) without running anything; the CPU comes from --cpu or DIR/run.json
              --no-reference-plot: FAISS_REFERENCE.md rows (measured on another machine) stay in the table, not the plot
            """;

    /** Parses {@code args}; {@code home} is the repository root (scripts/bench passes it). */
    public static HarnessOptions parse(String[] args, Path home) {
        String dataset = null;
        Path base = null;
        Path queries = null;
        List<String> factories = new ArrayList<>();
        List<Integer> nprobes = null;
        List<Double> kFactors = List.of(4.0);
        List<Integer> efSearches = SearchGrid.DEFAULT_EF_SEARCH;
        List<Integer> threads = List.of(1);
        List<Backends.Kind> backends = List.of(Backends.Kind.CPU, Backends.Kind.OPENCL);
        boolean backendsExplicit = false;
        int runs = 3;
        boolean compareFaiss = false;
        boolean jvector = false;
        boolean plotReference = true;
        String cpu = null;
        boolean quick = false;
        boolean ownGroundTruth = false;
        boolean plot = true;
        Path out = null;
        Path cache = home.resolve(".komsu-cache/datasets");
        Path reference = home.resolve("../shared/FAISS_REFERENCE.md").normalize();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            switch (flag) {
                case "--compare-faiss" -> compareFaiss = true;
                case "--jvector" -> jvector = true;
                case "--no-reference-plot" -> plotReference = false;
                case "--quick" -> quick = true;
                case "--own-ground-truth" -> ownGroundTruth = true;
                case "--no-plot" -> plot = false;
                case "--help", "-h" -> throw new UsageException(USAGE);
                default -> {
                    if (i + 1 >= args.length) throw new UsageException(flag.startsWith("--")
                            ? flag + " needs a value" : "unexpected argument '" + flag + "'");
                    String v = args[++i];
                    switch (flag) {
                        case "--dataset" -> dataset = v;
                        case "--base" -> base = Path.of(v);
                        case "--queries" -> queries = Path.of(v);
                        case "--factory" -> factories.add(v);
                        case "--nprobe" -> nprobes = ints(flag, v);
                        case "--k-factor" -> kFactors = doubles(flag, v);
                        case "--ef-search" -> efSearches = ints(flag, v);
                        case "--cpu" -> cpu = v;
                        case "--threads" -> threads = ints(flag, v);
                        case "--backend" -> {
                            backends = backends(v);
                            backendsExplicit = true;
                        }
                        case "--runs" -> runs = ints(flag, v).getFirst();
                        case "--out" -> out = Path.of(v);
                        case "--cache" -> cache = Path.of(v);
                        case "--faiss-reference" -> reference = Path.of(v);
                        default -> throw new UsageException("unknown flag '" + flag + "'");
                    }
                }
            }
        }
        if (dataset == null) {
            if (base == null) throw new UsageException("--dataset is required");
            dataset = stem(base);
        }
        if (!dataset.matches("[A-Za-z0-9._-]+")) {
            throw new UsageException("--dataset '" + dataset + "' must be letters, digits, '.', '_' or '-'");
        }
        if (runs < 3) throw new UsageException("--runs must be >= 3 (QPS is the median of at least 3 timed runs), got " + runs);
        if (factories.isEmpty()) {
            // empty for a user dataset: RVC's IVF rule, once the number of vectors is known (factoriesFor)
            factories = quick ? QUICK_FACTORIES : DEFAULT_FACTORIES.getOrDefault(dataset, List.of());
        }
        if (nprobes == null) nprobes = DEFAULT_NPROBE.getOrDefault(dataset, List.of(1, 4, 16));
        for (int t : threads) if (t < 1) throw new UsageException("--threads values must be >= 1, got " + t);
        if (out == null) out = home.resolve(".komsu-cache/results").resolve(dataset + (quick ? "-quick" : ""));
        try {
            new SearchGrid(nprobes, kFactors, efSearches);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        return new HarnessOptions(dataset, base, queries, List.copyOf(factories), nprobes, kFactors, efSearches, threads, backends,
                backendsExplicit, runs, compareFaiss, jvector, quick, ownGroundTruth, plot, plotReference, cpu, out, cache,
                reference, home);
    }

    /** The index strings to run on {@code n} base vectors: as given, or RVC's IVF{n},Flat for a user dataset. */
    public List<String> factoriesFor(long n) {
        return factories.isEmpty() ? List.of("IVF" + dev.komsu.IndexFactory.rvcNlist(n) + ",Flat") : factories;
    }

    public SearchGrid grid() {
        return new SearchGrid(nprobes, kFactors, efSearches);
    }

    private static List<Integer> ints(String flag, String v) {
        return values(flag, v, Integer::parseInt, "integers");
    }

    private static List<Double> doubles(String flag, String v) {
        return values(flag, v, Double::parseDouble, "numbers");
    }

    /** A comma-separated list; a bad item is a usage error naming the flag. */
    private static <T> List<T> values(String flag, String v, java.util.function.Function<String, T> parse, String what) {
        List<T> out = new ArrayList<>();
        for (String s : v.split(",")) {
            try {
                out.add(parse.apply(s.strip()));
            } catch (NumberFormatException e) {
                throw new UsageException(flag + " expects comma-separated " + what + ", got '" + v + "'");
            }
        }
        return List.copyOf(out);
    }

    private static List<Backends.Kind> backends(String v) {
        List<Backends.Kind> out = new ArrayList<>();
        for (String s : v.split(",")) {
            Backends.Kind kind;
            try {
                kind = Backends.Kind.parse(s.strip());
            } catch (IllegalArgumentException e) {
                throw new UsageException("--backend: " + e.getMessage());
            }
            if (kind == Backends.Kind.AUTO) throw new UsageException("--backend: name cpu, opencl or scalar, not auto");
            out.add(kind);
        }
        return List.copyOf(out);
    }

    private static String stem(Path p) {
        String n = p.getFileName().toString();
        return n.toLowerCase(Locale.ROOT).endsWith(".npy") ? n.substring(0, n.length() - 4) : n;
    }

    /** Bad command line: the message says what is wrong; the caller prints it with {@link #USAGE}, exit code 2. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }
}
