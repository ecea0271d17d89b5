package dev.komsu.cli;

import dev.komsu.Index;
import dev.komsu.RangeSearchResult;
import dev.komsu.SearchParams;
import dev.komsu.index.InputChecks;
import dev.komsu.io.FaissIndexes;
import dev.komsu.io.InterruptCleanup;
import dev.komsu.io.LoadedIndex;
import dev.komsu.io.NpyDtype;
import dev.komsu.io.NpyWriter;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code komsu search --radius R}: faiss's range_search over every query row, written as
 * faiss's three arrays: lims (int64, nq+1), D (float32, flat) and I (int64, flat), query i's
 * hits at {@code [lims[i], lims[i+1])} in the index's scan order. Queries run in batches of
 * {@code --batch}; the hits are kept in memory until all are found (their count is not known
 * before), then the three files appear together, atomically. Distances come from the chosen
 * backend's refine kernel (OpenCL's on its device); decoding lists and the radius test run on the CPU.
 */
final class RangeSearchOutput {
    private final SearchCommand c;

    RangeSearchOutput(SearchCommand command) {
        this.c = command;
    }

    void run() throws Exception {
        if (c.radius == null) throw new IllegalArgumentException("--out-lims needs --radius (range search)");
        if (c.outLims == null) throw new IllegalArgumentException("--radius needs --out-lims L.npy for faiss's lims array");
        if (c.k != null) throw new IllegalArgumentException("--k and --radius exclude each other: a range search returns every hit within the radius");
        if (!Float.isFinite(c.radius)) throw new IllegalArgumentException("--radius must be a finite number, got " + c.radius);
        InputErrors.checkPositive("--batch", c.batch);
        SearchParams.Builder asked = SearchParams.builder();
        if (c.kFactor != null) asked.kFactor(c.kFactor);
        InputErrors.checkInputFile("--index", c.indexFile);
        InputErrors.checkInputFile("--queries", c.queries);
        Path[] outs = {c.outLims, c.outDistances, c.outLabels};
        String[] names = {"--out-lims", "--out-distances", "--out-labels"};
        for (int i = 0; i < outs.length; i++) {
            InputErrors.checkOutputFile(names[i], outs[i]);
            InputErrors.checkDistinct("--index", c.indexFile, names[i], outs[i]);
            InputErrors.checkDistinct("--queries", c.queries, names[i], outs[i]);
            for (int j = 0; j < i; j++) InputErrors.checkDistinct(names[j], outs[j], names[i], outs[i]);
        }
        try (ComputeBackend compute = c.searching.openBackend();
             LoadedIndex loaded = FaissIndexes.load(c.indexFile, compute, c.indexLoading.options());
             FloatMatrix qs = NpyInputs.read("search", "--queries", c.queries, c.reporting.err())) {
            Index index = loaded.index();
            c.searching.noteCpuFallback(index, compute, c.reporting);
            Integer nprobe = c.searching.nprobe(index, c.reporting);
            if (nprobe != null) asked.nprobe(nprobe);
            SearchParams params = asked.build();
            InputChecks.checkVectors("--queries", qs, index.dim());
            long nq = qs.rows();
            List<RangeSearchResult> parts = new ArrayList<>();
            long hits = 0;
            for (long from = 0; from < nq; from += c.batch) {
                int n = (int) Math.min(c.batch, nq - from);
                long start = from;
                RangeSearchResult r = IndexRewrite.refusalsAreBadInput(() -> index.rangeSearch(qs.rowRange(start, n), c.radius, params));
                hits += r.total();
                parts.add(r);
            }
            write(parts, nq, hits);
            c.out().printf("range search of %d queries, radius %s, %s: %d hits -> %s, %s, %s%n", nq, c.radius, params.orElse(loaded.storedParams()), hits,
                    c.outLims, c.outDistances, c.outLabels);
        }
    }

    /** The three arrays, each atomic; a failure part way removes those already in place (all or none). */
    private void write(List<RangeSearchResult> parts, long nq, long hits) throws Exception {
        try (NpyWriter lims = NpyWriter.create(c.outLims, NpyDtype.INT64, nq + 1);
             NpyWriter d = NpyWriter.create(c.outDistances, NpyDtype.FLOAT32, hits);
             NpyWriter i = NpyWriter.create(c.outLabels, NpyDtype.INT64, hits)) {
            long offset = 0;
            lims.writeLongs(new long[] {0}, 0, 1);
            for (RangeSearchResult r : parts) {
                long[] shifted = new long[r.nq()];
                for (int q = 0; q < shifted.length; q++) shifted[q] = offset + r.lims()[q + 1];
                lims.writeLongs(shifted, 0, shifted.length);
                d.writeFloats(r.distances(), 0, r.distances().length);
                i.writeLongs(r.labels(), 0, r.labels().length);
                offset += r.total();
            }
            List<Path> done = new ArrayList<>();
            try {
                for (var w : List.of(d, i, lims)) {
                    w.commit();
                    Path p = w == d ? c.outDistances : w == i ? c.outLabels : c.outLims;
                    InterruptCleanup.register(p);
                    done.add(p);
                }
            } catch (Exception e) {
                for (Path p : done) Files.deleteIfExists(p);
                throw e;
            } finally {
                for (Path p : done) InterruptCleanup.release(p);
            }
        }
    }
}
