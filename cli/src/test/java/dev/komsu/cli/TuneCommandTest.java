package dev.komsu.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.io.Npy;
import dev.komsu.kernels.Backends;
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

/** {@code komsu build --nprobe} and {@code komsu tune} end to end, and search with what they store. */
class TuneCommandTest {
    private static final int K = 5;

    @TempDir
    Path dir;
    private Path x;
    private Path q;
    private long[] exact;

    @BeforeEach
    void files() throws Exception {
        float[][] base = RvcReference.random(3000, 16, 11);
        float[][] queries = RvcReference.random(200, 16, 12);
        x = npy("x.npy", base);
        q = npy("q.npy", queries);
        try (FloatMatrix b = FloatMatrix.of(base); FloatMatrix qs = FloatMatrix.of(queries); var scalar = Backends.scalar()) {
            exact = scalar.knn(qs, b, K, Metric.L2).labels();
        }
    }

    private Path npy(String name, float[][] rows) throws Exception {
        Path p = dir.resolve(name);
        try (FloatMatrix m = FloatMatrix.of(rows)) {
            Npy.write(p, m);
        }
        return p;
    }

    private static CliRun ok(Object... args) {
        CliRun r = CliRun.of(args);
        assertEquals(0, r.exitCode(), r::toString);
        return r;
    }

    private long[] search(Path index, Object... extra) throws Exception {
        Path d = dir.resolve("D.npy");
        Path i = dir.resolve("I.npy");
        Files.deleteIfExists(d);
        Files.deleteIfExists(i);
        Object[] args = {"search", "--index", index, "--queries", q, "--k", K, "--threads", 1, "--out-distances", d, "--out-labels", i};
        ok((Object[]) concat(args, extra));
        return Npy.readLongs(i);
    }

    private static Object[] concat(Object[] a, Object[] b) {
        Object[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private double recall(long[] labels) {
        long hits = 0;
        for (int r = 0; r < exact.length / K; r++) {
            for (int j = 0; j < K; j++) {
                long id = labels[r * K + j];
                for (int t = 0; t < K; t++) if (exact[r * K + t] == id) hits++;
            }
        }
        return hits / (double) exact.length;
    }

    @Test
    void buildStoresNprobeAndSearchUsesIt() throws Exception {
        Path index = dir.resolve("x.index");
        ok("build", "--input", x, "--factory", "IVF32,Flat", "--nprobe", 6, "--threads", 1, "--output", index);
        assertTrue(ok("info", index).out().contains("stored search parameters: nprobe=6"));
        long[] stored = search(index);
        assertArrayEquals(search(index, "--nprobe", 6), stored);
        assertFalse(Arrays.equals(search(index, "--nprobe", 1), stored), "test setup: nprobe matters here");
        CliRun flat = CliRun.of("build", "--input", x, "--factory", "HNSW8", "--nprobe", 4, "--output", dir.resolve("h.index"));
        assertEquals(2, flat.exitCode(), flat::toString);
        assertTrue(flat.err().contains("--nprobe applies to IVF indexes (--factory IVF1024,Flat), not HNSW8"), flat::toString);
        assertFalse(Files.exists(dir.resolve("h.index")));
    }

    @Test
    void tuneWritesTheFastestSettingMeetingTheTargetAndSearchUsesIt() throws Exception {
        Path index = dir.resolve("x.index");
        ok("build", "--input", x, "--factory", "IVF32,Flat,RFlat", "--threads", 1, "--output", index);
        Path tuned = dir.resolve("tuned.index");
        Path png = dir.resolve("front.png");
        CliRun r = ok("tune", "--index", index, "--queries", q, "--k", K, "--k-factor", "1,2,4", "--target-recall", 0.9,
                "--threads", 1, "--plot", png, "--output", tuned);
        assertTrue(r.out().contains("computing the exact neighbours of 200 queries"), r::toString);
        assertTrue(r.out().contains("settings measured") && r.out().contains("recall@5") && r.out().contains("ms/query"), r::toString);
        assertTrue(r.out().contains("of 15 settings measured"), r::toString);
        String chosen = r.out().lines().filter(l -> l.startsWith("chosen")).findFirst().orElseThrow();
        String params = chosen.substring(chosen.indexOf("): ") + 3, chosen.indexOf(", recall@"));
        assertTrue(params.matches("k_factor=\\d+ nprobe=\\d+") || params.matches("nprobe=\\d+ k_factor=\\d+"), chosen);
        assertTrue(ok("info", tuned).out().contains("stored search parameters: "), r::toString);
        byte[] head = Arrays.copyOf(Files.readAllBytes(png), 4);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, head);
        // komsu search on the copy uses the stored setting: the same results as giving it, and the target met
        long[] stored = search(tuned);
        List<String> given = Arrays.stream(params.split(" ")).flatMap(p -> {
            String[] kv = p.split("=");
            return java.util.stream.Stream.of(kv[0].equals("nprobe") ? "--nprobe" : "--k-factor", kv[1]);
        }).toList();
        assertArrayEquals(search(index, given.toArray()), stored);
        assertTrue(recall(stored) >= 0.9, "recall " + recall(stored));
    }

    @Test
    void givenGroundTruthTunesAnIndexOfCodesAndAMaxQpsLossPicksASetting() throws Exception {
        Path index = dir.resolve("pq.index");
        ok("build", "--input", x, "--factory", "IVF16,PQ4", "--threads", 1, "--output", index);
        Path gt = dir.resolve("gt.npy");
        Npy.writeLongs(gt, exact, exact.length / K, K);
        CliRun r = ok("tune", "--index", index, "--queries", q, "--ground-truth", gt, "--k", K, "--max-qps-loss", 0.5,
                "--threads", 1);
        assertTrue(r.out().contains("chosen (the most accurate within 0.5 of the best QPS): nprobe="), r::toString);
        assertFalse(r.out().contains("computing the exact neighbours"), r::toString);
    }

    @Test
    void badInputExitsWith2AndWritesNothing() throws Exception {
        CliFiles f = CliFiles.make(dir);
        Path out = dir.resolve("out.index");
        Path png = dir.resolve("out.png");
        Path pq = dir.resolve("pq.index");
        ok("build", "--input", f.x(), "--factory", "IVF4,PQ2", "--output", pq);
        Path gt7 = dir.resolve("gt7.npy");
        Npy.writeLongs(gt7, new long[7 * 10], 7, 10);
        List<Path> before = f.listing();
        String[][] cases = {
                {"give --target-recall R or --max-qps-loss X", "--index", "" + f.index(), "--output", "" + out},
                {"not both", "--index", "" + f.index(), "--target-recall", "0.9", "--max-qps-loss", "0.1"},
                {"--target-recall must be in (0, 1]", "--index", "" + f.index(), "--target-recall", "1.5"},
                {"--k-factor was given, but this index has no k_factor to tune (tunable: nprobe)",
                        "--index", "" + f.index(), "--k-factor", "2"},
                {"no exact vectors", "--index", "" + pq, "--plot", "" + png},
                {"--ground-truth has 7 rows, --queries 20", "--index", "" + f.index(), "--ground-truth", "" + gt7},
                {"the best was", "--index", "" + f.index(), "--nprobe", "1", "--target-recall", "1", "--output", "" + out,
                        "--plot", "" + png},
                {"nothing written", "--index", "" + f.index(), "--nprobe", "1", "--target-recall", "1", "--output", "" + out},
        };
        for (String[] c : cases) {
            Object[] args = concat(new Object[] {"tune", "--queries", f.q()}, Arrays.copyOfRange(c, 1, c.length));
            CliRun r = CliRun.of(args);
            assertEquals(2, r.exitCode(), r::toString);
            assertTrue(r.err().contains(c[0]), c[0] + " expected in " + r);
            assertEquals(1, r.err().strip().lines().count(), r::toString);
            assertEquals(before, f.listing(), "nothing written: " + r);
        }
    }
}
