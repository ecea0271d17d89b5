package dev.komsu.bench.data;

import dev.komsu.io.Npy;
import dev.komsu.kernels.FloatMatrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds or makes a benchmark dataset as {@code .npy} files under the cache folder (not in git),
 * so komsu and faiss read the very same bytes, and loads it with its ground truth:
 * <ul>
 *   <li>{@code fashion-mnist}: the gzip'd IDX files of Debian's {@code dataset-fashion-mnist}
 *       (60000 base, 10000 queries, 784 pixels as float 0..255), read by {@link IdxReader};</li>
 *   <li>{@code rvc256}, {@code rvc768}, {@code sift1m-like}: the synthetic Gaussian mixtures of
 *       {@code ../shared/interop/make_datasets.py}, the very data FAISS_REFERENCE.md measured,
 *       generated once by that script with Debian's python3-numpy;</li>
 *   <li>any other name with a user's base and query {@code .npy} pair.</li>
 * </ul>
 * A subset (the first rows of each file) makes quick runs; it gets its own files and ground truth.
 */
public final class DatasetCatalog {
    public static final String FASHION_MNIST = "fashion-mnist";
    public static final List<String> SYNTHETIC = List.of("rvc256", "rvc768", "sift1m-like");

    private final Path cacheDir;
    private final Path makeDatasetsScript;
    private final Path fashionMnistDir;
    private final Path python;
    private final boolean alwaysOwnGroundTruth;

    /**
     * @param cacheDir           where datasets and ground truth are kept
     * @param makeDatasetsScript {@code ../shared/interop/make_datasets.py}
     * @param fashionMnistDir    where dataset-fashion-mnist put its files
     * @param python             Debian's interpreter (the one that has numpy and faiss)
     * @param alwaysOwnGroundTruth compute komsu's full ground truth even where make_datasets.py's
     *                           faiss ground truth passes {@link FaissGroundTruthCheck}
     */
    public DatasetCatalog(Path cacheDir, Path makeDatasetsScript, Path fashionMnistDir, Path python, boolean alwaysOwnGroundTruth) {
        this.cacheDir = cacheDir;
        this.makeDatasetsScript = makeDatasetsScript;
        this.fashionMnistDir = fashionMnistDir;
        this.python = python;
        this.alwaysOwnGroundTruth = alwaysOwnGroundTruth;
    }

    /** First {@code baseRows} base vectors and {@code queryRows} queries. */
    public record Subset(long baseRows, long queryRows) {
        public Subset {
            if (baseRows <= 0 || queryRows <= 0) throw new IllegalArgumentException("subset sizes must be > 0");
        }
    }

    /**
     * @param userBase    base .npy for a user dataset (null for the named ones)
     * @param userQueries query .npy for a user dataset
     * @param subset      null for the whole dataset
     */
    public Dataset open(String name, Path userBase, Path userQueries, Subset subset) throws IOException, InterruptedException {
        List<String> notes = new ArrayList<>();
        Path dir;
        Path baseFile;
        Path queriesFile;
        if (userBase != null || userQueries != null) {
            if (userBase == null || userQueries == null) {
                throw new IllegalArgumentException("a user dataset needs both --base and --queries (.npy float32 files)");
            }
            baseFile = userBase.toAbsolutePath();
            queriesFile = userQueries.toAbsolutePath();
            dir = cacheDir.resolve("user-" + name + "-" + GroundTruthCache.fingerprint(baseFile, queriesFile));
            notes.add("data: " + baseFile + " (base), " + queriesFile + " (queries)");
        } else if (name.equals(FASHION_MNIST)) {
            dir = cacheDir.resolve(name);
            baseFile = dir.resolve("base.npy");
            queriesFile = dir.resolve("queries.npy");
            if (!Files.exists(baseFile) || !Files.exists(queriesFile)) convertFashionMnist(dir, baseFile, queriesFile);
            notes.add("data: Fashion-MNIST from Debian's dataset-fashion-mnist (" + fashionMnistDir + "), raw pixels 0..255");
        } else if (SYNTHETIC.contains(name)) {
            dir = cacheDir.resolve(name);
            baseFile = dir.resolve("base.npy");
            queriesFile = dir.resolve("queries.npy");
            if (!Files.exists(dir.resolve("meta.json"))) generateSynthetic(name);
            notes.add("data: synthetic Gaussian mixture from " + makeDatasetsScript.getFileName()
                    + " (same data as FAISS_REFERENCE.md)");
        } else {
            throw new IllegalArgumentException("unknown dataset '" + name + "': expected " + FASHION_MNIST + ", "
                    + String.join(", ", SYNTHETIC) + ", or any name with --base B.npy --queries Q.npy");
        }
        Files.createDirectories(dir);
        if (subset != null) {
            Path subDir = dir.resolve(String.format(Locale.ROOT, "subset-%dx%d", subset.baseRows(), subset.queryRows()));
            Path subBase = subDir.resolve("base.npy");
            Path subQueries = subDir.resolve("queries.npy");
            if (!Files.exists(subBase) || !Files.exists(subQueries)) {
                Files.createDirectories(subDir);
                writeFirstRows(baseFile, subBase, subset.baseRows());
                writeFirstRows(queriesFile, subQueries, subset.queryRows());
            }
            notes.add("subset: the first " + subset.baseRows() + " base vectors and " + subset.queryRows() + " queries");
            return load(name, subDir, subBase, subQueries, notes, false);
        }
        return load(name, dir, baseFile, queriesFile, notes, true);
    }

    private Dataset load(String name, Path dir, Path baseFile, Path queriesFile, List<String> notes, boolean checkFaissGt)
            throws IOException {
        FloatMatrix base = null;
        FloatMatrix queries = null;
        try {
            base = inMemory(baseFile);
            queries = inMemory(queriesFile);
            Path faissGt = dir.resolve("gt.npy");
            GroundTruth gt = null;
            if (checkFaissGt && Files.exists(faissGt) && !alwaysOwnGroundTruth) {
                FaissGroundTruthCheck.Outcome check = FaissGroundTruthCheck.check(faissGt, base, queries);
                String what = String.format(Locale.ROOT, "faiss's %s (make_datasets.py, IndexFlatL2, k=%d) checked against komsu's "
                        + "exact knn kernel on %d evenly spaced queries: top-10 sets differ for %d", faissGt.getFileName(),
                        check.faiss().k(), check.sampled(), check.differing());
                if (check.agrees()) {
                    gt = check.faiss();
                    notes.add("ground truth: " + what + " (--own-ground-truth recomputes it all with komsu)");
                } else {
                    notes.add("ground truth: komsu's own, because " + what);
                }
            }
            if (gt == null) {
                gt = GroundTruthCache.load(dir, baseFile, queriesFile, base, queries);
                notes.add("ground truth: komsu's exact knn kernel, k=" + gt.k());
                if (checkFaissGt && Files.exists(faissGt)) notes.add(compareWithFaiss(gt, faissGt));
            }
            notes.add(String.format(Locale.ROOT, "N=%d, D=%d, nq=%d", base.rows(), base.cols(), queries.rows()));
            return new Dataset(name, baseFile, queriesFile, base, queries, gt, notes);
        } catch (IOException | RuntimeException e) {
            if (base != null) base.close();
            if (queries != null) queries.close();
            throw e;
        }
    }

    /** The file in memory of its own (not a mapping), so page faults never land in a timed run. */
    private static FloatMatrix inMemory(Path file) throws IOException {
        try (FloatMatrix mapped = Npy.readMatrix(file)) {
            return mapped.copy();
        }
    }

    private static String compareWithFaiss(GroundTruth komsu, Path faissGt) throws IOException {
        long[] labels = Npy.readLongs(faissGt);
        int k = labels.length / komsu.nq();
        if (k * (long) komsu.nq() != labels.length || k < 10) {
            return "faiss's " + faissGt.getFileName() + " has an unexpected size (" + labels.length + " labels); not compared";
        }
        int differ = komsu.queriesWithDifferentTop(new GroundTruth(komsu.nq(), k, labels), 10);
        return String.format(Locale.ROOT, "check: faiss's %s (make_datasets.py, IndexFlatL2) has a different top-10 set "
                + "for %d of %d queries (float rounding near ties)", faissGt.getFileName(), differ, komsu.nq());
    }

    private void convertFashionMnist(Path dir, Path baseFile, Path queriesFile) throws IOException {
        Path train = fashionMnistDir.resolve("train-images-idx3-ubyte.gz");
        Path test = fashionMnistDir.resolve("t10k-images-idx3-ubyte.gz");
        if (!Files.exists(train) || !Files.exists(test)) {
            throw new IOException("Fashion-MNIST not found in " + fashionMnistDir + " (expected train-images-idx3-ubyte.gz and "
                    + "t10k-images-idx3-ubyte.gz): install Debian's dataset-fashion-mnist (scripts/bench does when root)");
        }
        Files.createDirectories(dir);
        System.err.println("[bench] converting " + fashionMnistDir + " to " + dir);
        try (FloatMatrix base = IdxReader.readImages(train)) {
            Npy.write(baseFile, base);
        }
        try (FloatMatrix queries = IdxReader.readImages(test)) {
            Npy.write(queriesFile, queries);
        }
    }

    private void generateSynthetic(String name) throws IOException, InterruptedException {
        if (!Files.exists(makeDatasetsScript)) {
            throw new IOException(makeDatasetsScript + " not found: it makes " + name + " (the data FAISS_REFERENCE.md used)");
        }
        Files.createDirectories(cacheDir);
        System.err.println("[bench] generating " + name + " with " + makeDatasetsScript + " into " + cacheDir
                + " (once; it also computes faiss's ground truth)");
        ProcessBuilder pb = new ProcessBuilder(python.toString(), makeDatasetsScript.toString(), name).redirectErrorStream(true);
        pb.environment().put("KOMSU_DATA", cacheDir.toAbsolutePath().toString());
        Process p = pb.start();
        p.getOutputStream().close();
        p.getInputStream().transferTo(System.err); // its progress goes to our log, stdout is kept for the results table
        int code = p.waitFor();
        if (code != 0 || !Files.exists(cacheDir.resolve(name).resolve("meta.json"))) {
            throw new IOException(makeDatasetsScript.getFileName() + " " + name + " failed (exit code " + code
                    + "); it needs Debian's python3-numpy and python3-faiss for " + python);
        }
    }

    private static void writeFirstRows(Path from, Path to, long rows) throws IOException {
        try (FloatMatrix all = Npy.readMatrix(from)) {
            if (rows > all.rows()) {
                throw new IllegalArgumentException(from + " has " + all.rows() + " rows, the subset asks for " + rows);
            }
            Npy.write(to, all.rowRange(0, rows));
        }
    }
}
