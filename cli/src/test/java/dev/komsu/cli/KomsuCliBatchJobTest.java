package dev.komsu.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.Index;
import dev.komsu.io.FaissIndexes;
import dev.komsu.io.Npy;
import dev.komsu.rvc.RvcReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The flags for batch jobs, end to end: result formats, float64 inputs, progress lines, timings, RVC's file names. */
class KomsuCliBatchJobTest {
    @TempDir
    Path dir;
    private CliFiles files;

    @BeforeEach
    void files() throws Exception {
        files = CliFiles.make(dir);
    }

    private static CliRun ok(Object... args) {
        CliRun r = CliRun.of(args);
        assertEquals(0, r.exitCode(), r::toString);
        return r;
    }

    /** exit 2, one line on stderr naming {@code expected}, and no new file. */
    private void rejects(String expected, Object... args) throws Exception {
        List<Path> before = files.listing();
        CliRun r = CliRun.of(args);
        assertEquals(2, r.exitCode(), () -> Arrays.toString(args) + "\n" + r);
        assertTrue(r.err().contains(expected), () -> "stderr should mention '" + expected + "'\n" + r);
        assertEquals(1, r.err().lines().count(), r::toString);
        assertEquals(before, files.listing(), () -> "nothing may be written: " + Arrays.toString(args));
    }

    private CliRun searchNpy(Path queries, Path d, Path i, Object... extra) {
        Object[] base = {"search", "--index", files.index(), "--queries", queries, "--k", 5, "--nprobe", 2,
                "--out-distances", d, "--out-labels", i};
        Object[] all = Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return ok(all);
    }

    @Test
    void textAndJsonlLinesHoldTheNpyResults() throws Exception {
        Path d = dir.resolve("D.npy");
        Path i = dir.resolve("I.npy");
        searchNpy(files.q(), d, i);
        float[] distances = Npy.readFloats(d);
        long[] labels = Npy.readLongs(i);

        CliRun text = ok("search", "--index", files.index(), "--queries", files.q(), "--k", 5, "--nprobe", 2,
                "--format", "text", "--batch", 7);
        assertLines(text.out(), Pattern.compile("(\\d+)\\t([-\\d ]+)\\t([-\\dE. ]+)"), " ", distances, labels);
        assertTrue(text.err().contains("searched 20 queries"), "the closing line goes to stderr: " + text);

        Path jsonl = dir.resolve("r.jsonl");
        CliRun json = ok("search", "--index", files.index(), "--queries", files.q(), "--k", 5, "--nprobe", 2,
                "--format", "JSONL", "--output", jsonl);
        assertEquals("", json.out().replaceAll("searched .*\\n", ""), json::toString);
        assertLines(Files.readString(jsonl),
                Pattern.compile("\\{\"query\":(\\d+),\"labels\":\\[([-\\d,]+)],\"distances\":\\[([-\\dE.,]+)]}"), ",",
                distances, labels);
    }

    private static void assertLines(String out, Pattern line, String separator, float[] distances, long[] labels) {
        List<String> lines = out.lines().toList();
        assertEquals(20, lines.size(), out);
        for (int q = 0; q < 20; q++) {
            Matcher m = line.matcher(lines.get(q));
            assertTrue(m.matches(), lines.get(q));
            assertEquals(q, Integer.parseInt(m.group(1)));
            long[] l = Arrays.stream(m.group(2).split(separator)).mapToLong(Long::parseLong).toArray();
            String[] ds = m.group(3).split(separator);
            float[] dv = new float[ds.length];
            for (int j = 0; j < ds.length; j++) dv[j] = Float.parseFloat(ds[j]);
            assertArrayEquals(Arrays.copyOfRange(labels, q * 5, q * 5 + 5), l, lines.get(q));
            assertArrayEquals(Arrays.copyOfRange(distances, q * 5, q * 5 + 5), dv, lines.get(q)); // exact: round-trip text
        }
    }

    @Test
    void float64InputsGiveTheFloat32Results() throws Exception {
        Path d32 = dir.resolve("D32.npy");
        Path i32 = dir.resolve("I32.npy");
        searchNpy(files.q(), d32, i32);
        Path q64 = Float64Npy.write(dir.resolve("q64.npy"), RvcReference.random(20, 8, 2)); // q.npy's rows
        Path d64 = dir.resolve("D64.npy");
        Path i64 = dir.resolve("I64.npy");
        CliRun r = searchNpy(q64, d64, i64);
        assertTrue(r.err().contains("note: --queries " + q64 + " holds float64 values, converted to float32"), r::toString);
        assertArrayEquals(Npy.readFloats(d32), Npy.readFloats(d64));
        assertArrayEquals(Npy.readLongs(i32), Npy.readLongs(i64));

        Path x64 = Float64Npy.write(dir.resolve("x64.npy"), RvcReference.random(300, 8, 1)); // x.npy's rows
        Path index64 = dir.resolve("x64.index");
        CliRun built = ok("build", "--input", x64, "--factory", "IVF4,Flat", "--output", index64);
        assertTrue(built.err().contains("float64"), built::toString);
        assertArrayEquals(Files.readAllBytes(files.index()), Files.readAllBytes(index64), "same index from float64 rows");

        Path b32 = dir.resolve("b32.npy");
        Path b64 = dir.resolve("b64.npy");
        ok("blend", "--index", files.index(), "--features", files.q(), "--output", b32);
        ok("blend", "--index", files.index(), "--features", q64, "--output", b64);
        assertArrayEquals(Npy.readFloats(b32), Npy.readFloats(b64));

        Path ints = dir.resolve("ints.npy");
        Npy.writeLongs(ints, new long[16], 2, 8);
        rejects("expected float32 (<f4), float16 (<f2) or float64 (<f8)", "search", "--index", files.index(),
                "--queries", ints, "--k", 3, "--format", "text");
    }

    @Test
    void pipedRunsPrintProgressLinesUnlessQuiet() throws Exception {
        CliRun r = ok("search", "--index", files.index(), "--queries", files.q(), "--k", 3, "--format", "text",
                "--batch", 5, "--progress-every", 0);
        List<String> progress = r.err().lines().filter(l -> l.startsWith("komsu search: search ")).toList();
        assertEquals(4, progress.size(), r::toString);
        assertTrue(progress.get(0).startsWith("komsu search: search 5/20 (25.0%)"), progress::toString);
        assertTrue(progress.get(3).startsWith("komsu search: search 20/20 (100.0%)"), progress::toString);

        CliRun quiet = ok("search", "--index", files.index(), "--queries", files.q(), "--k", 3, "--format", "text",
                "--batch", 5, "--progress-every", 0, "--quiet");
        assertEquals(List.of(), quiet.err().lines().filter(l -> !l.startsWith("searched")).toList(), quiet::toString);

        CliRun built = ok("build", "--input", files.x(), "--factory", "IVF4,Flat", "--progress-every", 0,
                "--output", dir.resolve("b.index"));
        assertTrue(built.err().contains("komsu build: k-means "), built::toString);
        assertTrue(built.err().contains("komsu build: add 300/300 (100.0%)"), built::toString);
    }

    @Test
    void buildPrintsTrainAndAddTimesAndVerbosePrintsEveryPhase() throws Exception {
        CliRun built = ok("build", "--input", files.x(), "--factory", "IVF4,Flat", "--output", dir.resolve("b.index"));
        assertTrue(built.err().matches("(?s).*komsu build: trained IVF4,Flat on 300 vectors in \\d+\\.\\d{3} s\n.*"), built::toString);
        assertTrue(built.err().matches("(?s).*komsu build: added 300 vectors in \\d+\\.\\d{3} s\n.*"), built::toString);
        assertFalse(built.err().contains("load"), built::toString);

        CliRun quiet = ok("build", "--input", files.x(), "--factory", "IVF4,Flat", "--quiet", "--output", dir.resolve("c.index"));
        assertEquals("", quiet.err(), quiet::toString);

        CliRun verbose = ok("search", "--index", files.index(), "--queries", files.q(), "--k", 3, "--verbose",
                "--out-distances", dir.resolve("D.npy"), "--out-labels", dir.resolve("I.npy"));
        for (String phase : List.of("load", "search", "write")) {
            assertTrue(verbose.err().matches("(?s).*komsu search: " + phase + " \\d+\\.\\d{3} s\n.*"), phase + "\n" + verbose);
        }
        CliRun verboseBuild = ok("build", "--input", files.x(), "--factory", "Flat", "-v", "--output", dir.resolve("f.index"));
        for (String phase : List.of("load", "trained Flat", "added", "write")) {
            assertTrue(verboseBuild.err().contains("komsu build: " + phase), phase + "\n" + verboseBuild);
        }
    }

    @Test
    void nprobeAboveNlistIsClampedAndSaidOnSearchAndBlend() throws Exception {
        CliRun r = ok("search", "--index", files.index(), "--queries", files.q(), "--k", 3, "--nprobe", 5000,
                "--format", "text");
        assertTrue(r.err().contains("note: nprobe 5000 clamped to nlist 4"), r::toString);
        assertTrue(r.err().contains("nprobe=4"), "the closing line shows what ran: " + r);

        Path all = dir.resolve("all.npy");
        Path clamped = dir.resolve("clamped.npy");
        Path one = dir.resolve("one.npy");
        ok("blend", "--index", files.index(), "--features", files.q(), "--nprobe", 4, "--threads", 1, "--backend", "cpu", "--output", all);
        CliRun b = ok("blend", "--index", files.index(), "--features", files.q(), "--nprobe", 5000, "--backend", "scalar", "--output", clamped);
        assertTrue(b.err().contains("note: nprobe 5000 clamped to nlist 4"), b::toString);
        ok("blend", "--index", files.index(), "--features", files.q(), "--output", one); // the file's nprobe, 1
        assertArrayEquals(Npy.readFloats(all), Npy.readFloats(clamped), 1e-5f);
        float[] expected = RvcReference.blend(RvcReference.random(300, 8, 1), RvcReference.random(20, 8, 2), 8, 0.75f)[0];
        assertArrayEquals(expected, Arrays.copyOf(Npy.readFloats(all), 8), 1e-5f, "every list visited: exact neighbours");
        assertFalse(Arrays.equals(Npy.readFloats(all), Npy.readFloats(one)), "--nprobe changes what blend visits");
    }

    @Test
    void rvcNameWritesTheTrainedAndAddedFilesRvcLooksFor() throws Exception {
        float[][] rows = RvcReference.random(1600, 256, 9);
        Path feats = Files.createDirectories(dir.resolve("3_feature256"));
        Float64Npy.write(feats.resolve("a.npy"), Arrays.copyOf(rows, 800));
        Float64Npy.write(feats.resolve("b.npy"), Arrays.copyOfRange(rows, 800, 1600));
        Path exp = Files.createDirectories(dir.resolve("logs-mi"));
        CliRun r = ok("build", "--input", feats, "--rvc-name", "mi", "--threads", 1, "--output", exp);
        // RVC: n_ivf = min(int(16 * sqrt(1600)), 1600 // 39) = 41
        Path trained = exp.resolve("trained_IVF41_Flat_nprobe_1_mi_v1.index");
        Path added = exp.resolve("added_IVF41_Flat_nprobe_1_mi_v1.index");
        assertEquals(List.of(added, trained), Files.list(exp).sorted().toList(), r::toString);
        try (Index t = FaissIndexes.read(trained); Index a = FaissIndexes.read(added)) {
            assertTrue(t.isTrained());
            assertEquals(0, t.ntotal(), "the trained file is the index before add");
            assertEquals(1600, a.ntotal());
            assertEquals(256, a.dim());
        }

        rejects("256-d (v1) and 768-d (v2)", "build", "--input", files.x(), "--rvc-name", "mi", "--output", dir);
        rejects("not an IVF{n},Flat", "build", "--input", files.x(), "--factory", "IVF4,PQ2", "--rvc-name", "mi", "--output", dir);
        rejects("expected an existing folder", "build", "--input", files.x(), "--rvc-name", "mi", "--output", dir.resolve("f.index"));
        rejects("plain name", "build", "--input", files.x(), "--rvc-name", "../mi", "--output", dir);
    }

    @Test
    void badBatchFlagsAreRefusedWithOneLine() throws Exception {
        Object[] search = {"search", "--index", files.index(), "--queries", files.q(), "--k", 3};
        rejects("--format 'xml': expected npy, text or jsonl", concat(search, "--format", "xml"));
        rejects("--format npy needs --out-distances and --out-labels", concat(search, "--out-labels", dir.resolve("I.npy")));
        rejects("are for --format npy", concat(search, "--format", "text", "--out-labels", dir.resolve("I.npy")));
        rejects("--output is for --format text|jsonl", concat(search, "--out-distances", dir.resolve("D.npy"),
                "--out-labels", dir.resolve("I.npy"), "--output", dir.resolve("r.txt")));
        rejects("does not exist", concat(search, "--format", "jsonl", "--output", dir.resolve("no/r.jsonl")));
        rejects("name the same file", concat(search, "--format", "jsonl", "--output", files.q()));
        rejects("--quiet and --verbose", concat(search, "--format", "text", "--quiet", "--verbose"));
        rejects("--progress-every", concat(search, "--format", "text", "--progress-every", -1));
        rejects("--nprobe must be > 0", "blend", "--index", files.index(), "--features", files.q(), "--nprobe", 0,
                "--output", dir.resolve("o.npy"));
        rejects("unknown backend", "blend", "--index", files.index(), "--features", files.q(), "--backend", "quantum",
                "--output", dir.resolve("o.npy"));
    }

    private static Object[] concat(Object[] a, Object... b) {
        Object[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
