package dev.komsu.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.RangeSearchResult;
import dev.komsu.SearchParams;
import dev.komsu.io.DebianFaiss;
import dev.komsu.io.DebianPython;
import dev.komsu.io.FaissIndexes;
import dev.komsu.io.Npy;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.rvc.RvcReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code komsu add}, {@code remove}, {@code merge} and {@code search --radius} through the real
 * entry point: each agrees with faiss (or with the index built in one go), leaves its input
 * untouched, and refuses bad input with exit 2, one line naming the problem and nothing written.
 */
class IndexEditCommandsTest {
    @TempDir
    Path dir;
    private CliFiles files;

    @BeforeEach
    void files() throws Exception {
        files = CliFiles.make(dir);
    }

    private static CliRun ok(Object... args) {
        CliRun r = CliRun.of(args);
        assertEquals(0, r.exitCode(), () -> Arrays.toString(args) + "\n" + r);
        return r;
    }

    private void rejects(String expected, Object... args) throws Exception {
        List<Path> before = files.listing();
        CliRun r = CliRun.of(args);
        assertEquals(2, r.exitCode(), () -> Arrays.toString(args) + "\n" + r);
        assertTrue(r.err().contains(expected), () -> "stderr should mention '" + expected + "'\n" + r);
        assertEquals(1, r.err().strip().lines().count(), () -> "one line:\n" + r);
        assertEquals(before, files.listing(), () -> "nothing may be written: " + Arrays.toString(args));
    }

    private Path ids(String name, long... ids) throws Exception {
        Path p = dir.resolve(name);
        Npy.writeLongs(p, ids, ids.length);
        return p;
    }

    @Test
    void removeWritesWhatFaissRemoveIdsWritesAndLeavesTheInput() throws Exception {
        DebianFaiss.assumeAvailable();
        byte[] original = Files.readAllBytes(files.index());
        Path ids = ids("ids.npy", 0, 5, 7, 299, 12345);
        Path out = dir.resolve("removed.index");
        assertTrue(ok("remove", "--index", files.index(), "--ids", ids, "--output", out).out().contains("removed 4 of the 5"));
        assertArrayEquals(original, Files.readAllBytes(files.index()), "--index is untouched");
        DebianPython.runOk("import faiss, numpy as np\nidx = faiss.read_index('x.index')\n"
                + "idx.remove_ids(np.load('ids.npy'))\nfaiss.write_index(idx, 'faiss.index')\n", dir);
        assertArrayEquals(Files.readAllBytes(dir.resolve("faiss.index")), Files.readAllBytes(out), "faiss's file after remove_ids");
    }

    /** Emptied by remove, refilled by add in two parts, merged: the file komsu build wrote over all rows. */
    @Test
    void addAndMergeRebuildTheIndexBuiltInOneGo() throws Exception {
        long[] all = new long[300];
        for (int i = 0; i < all.length; i++) all[i] = i;
        Path empty = dir.resolve("empty.index");
        ok("remove", "--index", files.index(), "--ids", ids("all.npy", all), "--output", empty);
        float[][] x = RvcReference.random(300, 8, 1); // CliFiles's x
        Path a = dir.resolve("a.index");
        Path b = dir.resolve("b.index");
        ok("add", "--index", empty, "--input", files.npy("xa.npy", Arrays.copyOfRange(x, 0, 120)), "--output", a);
        ok("add", "--index", empty, "--input", files.npy("xb.npy", Arrays.copyOfRange(x, 120, 300)), "--output", b);
        Path merged = dir.resolve("merged.index");
        assertTrue(ok("merge", a, b, "--output", merged).out().contains("ntotal 300"));
        assertArrayEquals(Files.readAllBytes(files.index()), Files.readAllBytes(merged),
                "parts numbered 0..n-1 merge into the index built from all rows in order");
        // --keep-ids: b's ids stay 0..179, so ids 0..119 appear twice
        Path kept = dir.resolve("kept.index");
        ok("merge", a, b, "--keep-ids", "--output", kept);
        try (Index index = FaissIndexes.read(kept)) {
            assertEquals(300, index.ntotal());
            assertArrayEquals(x[299], index.reconstruct(179), 0f); // b's row 179 kept its id 179
        }
    }

    @Test
    void addWithIdsGivesTheVectorsThoseIds() throws Exception {
        float[][] more = RvcReference.random(4, 8, 9);
        Path out = dir.resolve("added.index");
        ok("add", "--index", files.index(), "--input", files.npy("more.npy", more), "--ids", ids("ids.npy", 1000, 2000, 3000, 4000),
                "--output", out);
        try (Index index = FaissIndexes.read(out)) {
            assertEquals(304, index.ntotal());
            assertArrayEquals(more[2], index.reconstruct(3000), 0f);
        }
    }

    @Test
    void rangeSearchWritesFaissLimsDistancesAndLabels() throws Exception {
        DebianFaiss.assumeAvailable();
        Path l = dir.resolve("L.npy");
        Path d = dir.resolve("D.npy");
        Path i = dir.resolve("I.npy");
        float radius;
        try (Index index = FaissIndexes.read(files.index()); FloatMatrix q = Npy.readMatrix(files.q())) {
            radius = index.search(q, 10, SearchParams.builder().nprobe(2).build()).distance(0, 9); // about 10 hits a query
        }
        ok("search", "--index", files.index(), "--queries", files.q(), "--radius", radius, "--nprobe", 2, "--batch", 7,
                "--out-lims", l, "--out-distances", d, "--out-labels", i);
        DebianPython.runOk("import faiss, numpy as np\nfaiss.cvar.distance_compute_blas_threshold = 1 << 30\n"
                + "idx = faiss.read_index('x.index'); idx.nprobe = 2\n"
                + "L, D, I = idx.range_search(np.load('q.npy'), " + radius + ")\n"
                + "np.save('fL.npy', L.astype('int64')); np.save('fD.npy', D); np.save('fI.npy', I)\n", dir);
        long[] lims = Npy.readLongs(l);
        assertArrayEquals(Npy.readLongs(dir.resolve("fL.npy")), lims, "lims");
        assertTrue(lims[lims.length - 1] > 20, "the radius finds something: " + lims[lims.length - 1]);
        assertArrayEquals(Npy.readLongs(dir.resolve("fI.npy")), Npy.readLongs(i), "labels, in faiss's order");
        assertArrayEquals(Npy.readFloats(dir.resolve("fD.npy")), Npy.readFloats(d), 1e-5f, "distances");
        try (Index index = FaissIndexes.read(files.index()); FloatMatrix q = Npy.readMatrix(files.q())) {
            RangeSearchResult r = index.rangeSearch(q, radius, SearchParams.builder().nprobe(2).build());
            assertArrayEquals(r.lims(), lims, "the library's lims");
        }
    }

    @Test
    void badInputIsRefusedWithOneLineAndNothingWritten() throws Exception {
        Path out = dir.resolve("out.index");
        Path ids = ids("ids.npy", 1, 2);
        rejects("no such file", "remove", "--index", files.index(), "--ids", dir.resolve("nope.npy"), "--output", out);
        rejects("int", "remove", "--index", files.index(), "--ids", files.q(), "--output", out); // float32 ids
        rejects("no such file", "add", "--index", dir.resolve("nope.index"), "--input", files.q(), "--output", out);
        rejects("dimension", "add", "--index", files.index(), "--input", files.npy("wide.npy", RvcReference.random(3, 9, 4)),
                "--output", out);
        Files.delete(dir.resolve("wide.npy"));
        rejects("2 ids for the 20 rows", "add", "--index", files.index(), "--input", files.q(), "--ids", ids, "--output", out);
        rejects("--radius needs --out-lims", "search", "--index", files.index(), "--queries", files.q(), "--radius", 1,
                "--out-distances", dir.resolve("D.npy"), "--out-labels", dir.resolve("I.npy"));
        rejects("exclude each other", "search", "--index", files.index(), "--queries", files.q(), "--radius", 1, "--k", 3,
                "--out-lims", dir.resolve("L.npy"), "--out-distances", dir.resolve("D.npy"), "--out-labels", dir.resolve("I.npy"));
        rejects("--k is required", "search", "--index", files.index(), "--queries", files.q(),
                "--out-distances", dir.resolve("D.npy"), "--out-labels", dir.resolve("I.npy"));
        // an index trained on other data: its centroids differ
        Path otherX = files.npy("other.npy", RvcReference.random(300, 8, 77));
        Path other = dir.resolve("other.index");
        ok("build", "--input", otherX, "--factory", "IVF4,Flat", "--output", other);
        rejects("centroids", "merge", files.index(), other, "--output", out);
        rejects("must be IVF", "merge", files.index(), flat(), "--output", out);
        Path hnsw = dir.resolve("hnsw.index");
        ok("build", "--input", files.x(), "--factory", "HNSW8", "--output", hnsw);
        rejects("remove_ids", "remove", "--index", hnsw, "--ids", ids, "--output", out);
        Path idMap = dir.resolve("idmap.index");
        try (Index empty = IndexFactory.create(8, "IDMap,Flat", Metric.L2)) {
            FaissIndexes.write(empty, idMap);
        }
        rejects("give --ids", "add", "--index", idMap, "--input", files.q(), "--output", out);
    }

    private Path flat() throws Exception {
        Path flat = dir.resolve("flat.index");
        ok("build", "--input", files.x(), "--factory", "Flat", "--output", flat);
        return flat;
    }
}
