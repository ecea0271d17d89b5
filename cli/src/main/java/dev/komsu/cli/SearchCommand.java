package dev.komsu.cli;

import dev.komsu.Index;
import dev.komsu.ProgressListener;
import dev.komsu.SearchParams;
import dev.komsu.index.InputChecks;
import dev.komsu.index.SearchBudget;
import dev.komsu.io.FaissIndexes;
import dev.komsu.io.LoadedIndex;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Neighbors;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code komsu search}: k nearest neighbours of every query row, written as faiss's D and I
 * arrays (float32 and int64 .npy, nq x k). The queries file is mapped, searched in batches and
 * the results streamed to disk, so millions of queries need memory for one batch only; both
 * outputs appear atomically when the last batch is done. With {@code --radius} it is a range
 * search instead, written by {@link RangeSearchOutput}.
 */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Search an index for the k nearest neighbours of every query row.")
final class SearchCommand extends CliCommand {
    @Mixin
    IndexLoading indexLoading = new IndexLoading();

    @Mixin
    SearchOptions searching = new SearchOptions();

    @Mixin
    Reporting reporting = new Reporting();

    @Option(names = "--index", required = true, paramLabel = "F.index", description = "faiss-format index file")
    Path indexFile;

    @Option(names = "--queries", required = true, paramLabel = "Q.npy", description = "float32/float16/float64 .npy matrix of queries (float64 is rounded to float32)")
    Path queries;

    @Option(names = "--k", paramLabel = "K", description = "neighbours per query (required unless --radius)")
    Integer k;

    @Option(names = "--radius", paramLabel = "R", description = "range search instead of k-NN (faiss range_search): every"
            + " vector with squared L2 distance < R (inner product > R), written as faiss's lims, D, I to --out-lims, --out-distances, --out-labels")
    Float radius;

    @Option(names = "--out-lims", paramLabel = "L.npy", description = "with --radius: int64 nq+1 offsets (faiss's lims);"
            + " query i's hits are D[L[i]:L[i+1]], I[L[i]:L[i+1]]")
    Path outLims;

    @Option(names = "--k-factor", paramLabel = "R", description = "refine: candidates = k * R (default: the index file's, as faiss)")
    Float kFactor;

    @Option(names = "--ef-search", paramLabel = "EF",
            description = "candidates kept while walking an HNSW graph: that of HNSW{M} (,Flat or ,SQ8) indexes and"
                    + " the coarse quantiser of IVF{n}_HNSW{M} indexes (default: the graph's efSearch stored in the"
                    + " index file, as faiss); other indexes ignore it")
    Integer efSearch;

    @Option(names = "--batch", defaultValue = "4096", paramLabel = "B", description = "queries per batch (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--format", defaultValue = "npy", paramLabel = "npy|text|jsonl",
            description = "npy: the --out-distances/--out-labels pair (default). text: one line per query,"
                    + " QUERY<TAB>LABELS<TAB>DISTANCES, k space-separated values each, e.g. '0<TAB>12 7<TAB>0.5 1.25'."
                    + " jsonl: one object per query, {\"query\":0,\"labels\":[12,7],\"distances\":[0.5,1.25]}."
                    + " Label -1 marks an empty slot; text and jsonl go to stdout unless --output is given")
    String format;

    @Option(names = "--out-distances", paramLabel = "D.npy", description = "--format npy: distances, float32 nq x k")
    Path outDistances;

    @Option(names = "--out-labels", paramLabel = "I.npy", description = "--format npy: labels (ids, -1 = none), int64 nq x k")
    Path outLabels;

    @Option(names = "--output", paramLabel = "FILE", description = "--format text|jsonl: write the lines to FILE (atomically) instead of stdout")
    Path output;

    @Override
    void execute() throws Exception {
        reporting.check();
        if (radius != null || outLims != null) {
            new RangeSearchOutput(this).run();
            return;
        }
        if (k == null) throw new IllegalArgumentException("--k is required (or --radius R with --out-lims for a range search)");
        ResultFormat resultFormat = ResultFormat.parse(format);
        InputChecks.checkK(k);
        InputErrors.checkPositive("--batch", batch);
        if ((long) batch * k > Integer.MAX_VALUE - 8) { // one batch's result lives in Java arrays
            throw new IllegalArgumentException("--batch " + batch + " times --k " + k + " must stay below 2^31 results per batch");
        }
        // Checked before the index is read.
        searching.check();
        SearchParams.Builder asked = SearchParams.builder();
        if (kFactor != null) asked.kFactor(kFactor);
        if (efSearch != null) {
            InputErrors.checkPositive("--ef-search", efSearch);
            asked.efSearch(efSearch);
        }
        InputErrors.checkInputFile("--index", indexFile);
        InputErrors.checkInputFile("--queries", queries);
        List<Path> outputs = checkOutputs(resultFormat);
        for (Path out : outputs) {
            InputErrors.checkDistinct("--index", indexFile, "an output", out);
            InputErrors.checkDistinct("--queries", queries, "an output", out);
        }

        ProgressListener progress = reporting.progress();
        long phase = System.nanoTime();
        try (ComputeBackend compute = searching.openBackend();
             LoadedIndex loaded = FaissIndexes.load(indexFile, compute, indexLoading.options());
             FloatMatrix qs = NpyInputs.read("search", "--queries", queries, reporting.err())) {
            reporting.phase("load", phase);
            Index index = loaded.index();
            searching.noteCpuFallback(index, compute, reporting);
            // what is not given is the index's own: the values its file stores, as faiss searches
            Integer nprobe = searching.nprobe(index, reporting);
            if (nprobe != null) asked.nprobe(nprobe);
            SearchParams params = asked.build();
            // One pass over the mapped queries before any output exists: a NaN in the last
            // row must not cost a whole run and leave nothing but an error.
            InputChecks.checkVectors("--queries", qs, index.dim());
            long nq = qs.rows();
            // Refused before any output exists: the outputs' disk space (nq * k slots of 4 + 8
            // bytes; the .npy headers are 128 bytes each), then one batch's memory.
            long slots = nq > Long.MAX_VALUE / 16 / k ? Long.MAX_VALUE / 16 : nq * k; // saturated: no wrap past 2^63
            if (resultFormat == ResultFormat.NPY) {
                InputErrors.checkFreeSpace(java.util.Map.of(outDistances, slots * Float.BYTES + 128, outLabels, slots * Long.BYTES + 128));
            }
            long perBatch = Math.min(batch, nq);
            SearchBudget.check(index, perBatch, k, params, perBatch > 1 ? "--batch (now " + batch + ") or --k" : "--k");
            long start = System.nanoTime();
            String summary;
            try (ResultWriter results = openResults(resultFormat, nq)) {
                for (long from = 0; from < nq; from += batch) {
                    int n = (int) Math.min(batch, nq - from);
                    Neighbors r = index.search(qs.rowRange(from, n), k, params);
                    results.write(r);
                    progress.onProgress("search", from + n, nq);
                }
                reporting.finish(progress);
                reporting.phase("search", start);
                long write = System.nanoTime();
                results.commit();
                reporting.phase("write", write);
                summary = results.destination();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            // The timed loop is every batch's search plus writing its results; not the JVM start,
            // the index load or the query check. The first batches run before the JIT has
            // compiled the kernels, so short runs understate the steady rate (bench/ measures that).
            // The FastScan kernel is picked per CPU (FastScanSelection); naming it makes figures
            // from different machines comparable. A device backend names its host kernel.
            // Lines on stdout are the results: the closing line moves to stderr then.
            PrintWriter to = resultFormat != ResultFormat.NPY && output == null ? reporting.err() : out();
            to.printf("searched %d queries, k=%d, %s, backend %s (%s): %.3f s (%.0f QPS; search and writing results,"
                            + " first batches JIT-compiling the kernels) -> %s%n", nq, k, params.orElse(loaded.storedParams()),
                    compute.name(), compute.fastScan().name(), seconds, nq / Math.max(seconds, 1e-9), summary);
        } finally {
            reporting.finish(progress);
        }
    }

    /** Checks the outputs the format needs (and refuses those it does not use); returns them. */
    private List<Path> checkOutputs(ResultFormat resultFormat) {
        if (resultFormat == ResultFormat.NPY) {
            if (outDistances == null || outLabels == null) {
                throw new IllegalArgumentException("--format npy needs --out-distances and --out-labels"
                        + " (or --format text|jsonl for lines on stdout or in --output)");
            }
            if (output != null) throw new IllegalArgumentException("--output is for --format text|jsonl; npy writes --out-distances and --out-labels");
            InputErrors.checkOutputFile("--out-distances", outDistances);
            InputErrors.checkOutputFile("--out-labels", outLabels);
            InputErrors.checkDistinct("--out-distances", outDistances, "--out-labels", outLabels);
            return List.of(outDistances, outLabels);
        }
        if (outDistances != null || outLabels != null) {
            throw new IllegalArgumentException("--out-distances and --out-labels are for --format npy; --format "
                    + format + " writes lines to stdout or to --output");
        }
        if (output == null) return List.of();
        InputErrors.checkOutputFile("--output", output);
        return List.of(output);
    }

    private ResultWriter openResults(ResultFormat resultFormat, long nq) throws java.io.IOException {
        if (resultFormat == ResultFormat.NPY) return new NpyResultWriter(outDistances, outLabels, nq, k);
        return output == null ? LineResultWriter.toStdout(resultFormat, k, out()) : LineResultWriter.toFile(resultFormat, k, output);
    }
}
