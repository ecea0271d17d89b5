package dev.komsu.cli;

import dev.komsu.Index;
import dev.komsu.ProgressListener;
import dev.komsu.SearchParams;
import dev.komsu.index.InputChecks;
import dev.komsu.index.SearchBudget;
import dev.komsu.io.FaissIndexes;
import dev.komsu.io.InterruptCleanup;
import dev.komsu.io.LoadedIndex;
import dev.komsu.io.Npy;
import dev.komsu.io.NpyDtype;
import dev.komsu.io.NpyWriter;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Neighbors;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code komsu search}: k nearest neighbours of every query row, written as faiss's D and I
 * arrays (float32 and int64 .npy, nq x k). The queries file is mapped, searched in batches and
 * the results streamed to disk, so millions of queries need memory for one batch only; both
 * outputs appear atomically when the last batch is done.
 */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Search an index for the k nearest neighbours of every query row.")
final class SearchCommand extends CliCommand {
    @Mixin
    IndexLoading indexLoading = new IndexLoading();

    @Option(names = "--index", required = true, paramLabel = "F.index", description = "faiss-format index file")
    Path indexFile;

    @Option(names = "--queries", required = true, paramLabel = "Q.npy", description = "float32/float16 .npy matrix of queries")
    Path queries;

    @Option(names = "--k", required = true, paramLabel = "K", description = "neighbours per query")
    int k;

    @Option(names = "--nprobe", paramLabel = "P", description = "IVF lists visited per query (default: the index file's, as faiss)")
    Integer nprobe;

    @Option(names = "--k-factor", paramLabel = "R", description = "refine: candidates = k * R (default: the index file's, as faiss)")
    Float kFactor;

    @Option(names = "--ef-search", paramLabel = "EF",
            description = "HNSW: candidates kept while searching (default: the index file's efSearch, as faiss)")
    Integer efSearch;

    @Option(names = "--backend", defaultValue = "auto", paramLabel = "auto|cpu|opencl|scalar",
            description = "compute backend: auto, or a backend found on the class path (komsu devices lists them; default: ${DEFAULT-VALUE})")
    String backend;

    @Option(names = "--threads", paramLabel = "T", description = "threads (default: all processors)")
    Integer threads;

    @Option(names = "--batch", defaultValue = "4096", paramLabel = "B", description = "queries per batch (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--out-distances", required = true, paramLabel = "D.npy", description = "distances, float32 nq x k")
    Path outDistances;

    @Option(names = "--out-labels", required = true, paramLabel = "I.npy", description = "labels (ids, -1 = none), int64 nq x k")
    Path outLabels;

    @Override
    void execute() throws Exception {
        InputChecks.checkK(k);
        InputErrors.checkPositive("--batch", batch);
        if ((long) batch * k > Integer.MAX_VALUE - 8) { // one batch's result lives in Java arrays
            throw new IllegalArgumentException("--batch " + batch + " times --k " + k + " must stay below 2^31 results per batch");
        }
        // Checked before the index is read.
        SearchParams.Builder asked = SearchParams.builder();
        if (nprobe != null) asked.nprobe(nprobe);
        if (kFactor != null) asked.kFactor(kFactor);
        if (efSearch != null) {
            InputErrors.checkPositive("--ef-search", efSearch);
            asked.efSearch(efSearch);
        }
        int t = CliArgs.threads(threads);
        InputErrors.checkInputFile("--index", indexFile);
        InputErrors.checkInputFile("--queries", queries);
        InputErrors.checkOutputFile("--out-distances", outDistances);
        InputErrors.checkOutputFile("--out-labels", outLabels);
        InputErrors.checkDistinct("--out-distances", outDistances, "--out-labels", outLabels);
        for (Path out : new Path[] {outDistances, outLabels}) {
            InputErrors.checkDistinct("--index", indexFile, "an output", out);
            InputErrors.checkDistinct("--queries", queries, "an output", out);
        }

        ProgressListener progress = TerminalProgress.forThisProcess();
        try (ComputeBackend compute = CliArgs.backend(backend, t);
             LoadedIndex loaded = FaissIndexes.load(indexFile, compute, indexLoading.options());
             FloatMatrix qs = Npy.readMatrix(queries)) {
            Index index = loaded.index();
            // what is not given is the index's own: the values its file stores, as faiss searches
            SearchParams params = asked.build();
            // One pass over the mapped queries before any output exists: a NaN in the last
            // row must not cost a whole run and leave nothing but an error.
            InputChecks.checkVectors("--queries", qs, index.dim());
            long nq = qs.rows();
            // Refused before any output exists: the outputs' disk space (nq * k slots of 4 + 8
            // bytes; the .npy headers are 128 bytes each), then one batch's memory.
            long slots = nq > Long.MAX_VALUE / 16 / k ? Long.MAX_VALUE / 16 : nq * k; // saturated: no wrap past 2^63
            InputErrors.checkFreeSpace(java.util.Map.of(outDistances, slots * Float.BYTES + 128, outLabels, slots * Long.BYTES + 128));
            long perBatch = Math.min(batch, nq);
            SearchBudget.check(index, perBatch, k, params, perBatch > 1 ? "--batch (now " + batch + ") or --k" : "--k");
            long start = System.nanoTime();
            try (NpyWriter distances = NpyWriter.create(outDistances, NpyDtype.FLOAT32, nq, k);
                 NpyWriter labels = NpyWriter.create(outLabels, NpyDtype.INT64, nq, k)) {
                for (long from = 0; from < nq; from += batch) {
                    int n = (int) Math.min(batch, nq - from);
                    Neighbors r = index.search(qs.rowRange(from, n), k, params);
                    distances.writeFloats(r.distances(), 0, r.distances().length);
                    labels.writeLongs(r.labels(), 0, r.labels().length);
                    progress.onProgress("search", from + n, nq);
                }
                distances.commit();
                // keep the pair consistent: no distances without labels, even if stopped in between
                InterruptCleanup.register(outDistances);
                try {
                    labels.commit();
                } catch (Exception e) {
                    Files.deleteIfExists(outDistances);
                    throw e;
                } finally {
                    InterruptCleanup.release(outDistances);
                }
            }
            TerminalProgress.finish(progress);
            double seconds = (System.nanoTime() - start) / 1e9;
            // The timed loop is every batch's search plus writing its results; not the JVM start,
            // the index load or the query check. The first batches run before the JIT has
            // compiled the kernels, so short runs understate the steady rate (bench/ measures that).
            // The FastScan kernel is picked per CPU (FastScanSelection); naming it makes figures
            // from different machines comparable. A device backend names its host kernel.
            out().printf("searched %d queries, k=%d, %s, backend %s (%s): %.3f s (%.0f QPS; search and writing results,"
                            + " first batches JIT-compiling the kernels) -> %s, %s%n", nq, k, params.orElse(loaded.storedParams()),
                    compute.name(), compute.fastScan().name(), seconds, nq / Math.max(seconds, 1e-9), outDistances, outLabels);
        } finally {
            TerminalProgress.finish(progress);
        }
    }
}
