package dev.komsu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.io.Npy;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.rvc.RvcReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad arguments and bad input files: exit 2, a message naming the problem, and nothing written. */
class KomsuCliBadInputTest {
    @TempDir
    Path dir;
    private Path x;       // 300 x 8
    private Path q;       // 20 x 8
    private Path index;   // IVF4,Flat over x
    private Path out;     // an output that must never appear

    private CliFiles files;

    @BeforeEach
    void files() throws Exception {
        files = CliFiles.make(dir);
        x = files.x();
        q = files.q();
        index = files.index();
        out = dir.resolve("out.npy");
    }

    /** Runs komsu, expects exit 2 with {@code expected} in the message, and no new file in the folder. */
    private void rejects(String expected, Object... args) throws Exception {
        List<Path> before = files.listing();
        CliRun r = CliRun.of(args);
        assertEquals(2, r.exitCode(), () -> Arrays.toString(args) + "\n" + r);
        assertTrue(r.err().contains(expected), () -> "stderr should mention '" + expected + "'\n" + r);
        assertEquals(before, files.listing(), () -> "nothing may be written: " + Arrays.toString(args));
    }

    private Object[] search(Path queries, Object... extra) {
        Object[] base = {"search", "--index", index, "--queries", queries, "--out-distances", out,
                "--out-labels", dir.resolve("I.npy")};
        Object[] all = Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @Test
    void missingFilesAreRejected() throws Exception {
        rejects("no such file", "build", "--input", dir.resolve("nope.npy"), "--factory", "Flat", "--output", dir.resolve("n.index"));
        rejects("no such file", search(dir.resolve("nope.npy"), "--k", 3));
        rejects("no such file", "info", dir.resolve("nope.index"));
        rejects("does not exist", "build", "--input", x, "--output", dir.resolve("no/such/folder/f.index"));
    }

    @Test
    void nonPositiveKIsRejected() throws Exception {
        rejects("k must be > 0", search(q, "--k", 0));
        rejects("k must be > 0", search(q, "--k", -3));
        rejects("--k must be > 0", "blend", "--index", index, "--features", q, "--k", 0, "--output", out);
    }

    @Test
    void badOptionValuesAreRejected() throws Exception {
        rejects("nprobe must be > 0", search(q, "--k", 3, "--nprobe", 0));
        rejects("kFactor", search(q, "--k", 3, "--k-factor", 0.5));
        rejects("--batch must be > 0", search(q, "--k", 3, "--batch", 0));
        rejects("2^31 results per batch", search(q, "--k", 1000, "--batch", 2_000_000_000));
        rejects("--threads must be > 0", search(q, "--k", 3, "--threads", 0));
        rejects("unknown backend", search(q, "--k", 3, "--backend", "quantum"));
        rejects("--metric", "build", "--input", x, "--metric", "cosine", "--output", dir.resolve("m.index"));
        rejects("--train-rows", "build", "--input", x, "--train-rows", -1, "--output", dir.resolve("m.index"));
        rejects("--index-rate", "blend", "--index", index, "--features", q, "--index-rate", 1.5, "--output", out);
        rejects("Invalid value", search(q, "--k", "many"));
        rejects("Missing required option", "search", "--index", index, "--k", 3);
    }

    @Test
    void unknownFactoryStringsAreRejected() throws Exception {
        rejects("Bogus", "build", "--input", x, "--factory", "IVF4,Bogus", "--output", dir.resolve("b.index"));
        rejects("'PQ8'", "build", "--input", x, "--factory", "HNSW32,PQ8", "--output", dir.resolve("b.index"));
    }

    @Test
    void wrongWidthsAreRejected() throws Exception {
        Path wide = files.npy("wide.npy", RvcReference.random(5, 9, 3));
        rejects("dimension 9", search(wide, "--k", 3));
        rejects("dimension 9", "blend", "--index", index, "--features", wide, "--output", out);
        Path feats = Files.createDirectories(dir.resolve("feats"));
        try (FloatMatrix a = FloatMatrix.of(RvcReference.random(60, 8, 4));
             FloatMatrix b = FloatMatrix.of(RvcReference.random(60, 6, 5))) {
            Npy.write(feats.resolve("a.npy"), a);
            Npy.write(feats.resolve("b.npy"), b);
        }
        rejects("same width", "build", "--input", feats, "--output", dir.resolve("w.index"), "--save-total", dir.resolve("t.npy"));
        Files.delete(feats.resolve("b.npy"));
        rejects("inside the --input folder", "build", "--input", feats, "--output", dir.resolve("w.index"),
                "--save-total", feats.resolve("total_fea.npy"));
    }

    @Test
    void nanOrInfinityInInputsIsRejected() throws Exception {
        float[][] rows = RvcReference.random(20, 8, 6);
        rows[19][7] = Float.NaN;
        Path nanQueries = files.npy("nan.npy", rows);
        rejects("row 19 column 7 is NaN", search(nanQueries, "--k", 3, "--batch", 4));
        rejects("NaN", "blend", "--index", index, "--features", nanQueries, "--output", out);
        float[][] base = RvcReference.random(100, 8, 7);
        base[50][0] = Float.POSITIVE_INFINITY;
        rejects("Infinity", "build", "--input", files.npy("inf.npy", base), "--factory", "Flat", "--output", dir.resolve("i.index"));
    }

    @Test
    void truncatedFilesAreRejected() throws Exception {
        byte[] bytes = Files.readAllBytes(q);
        Path cut = dir.resolve("cut.npy");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 10));
        rejects("cut.npy", search(cut, "--k", 3));
        rejects("cut.npy", "build", "--input", cut, "--factory", "Flat", "--output", dir.resolve("c.index"));
        byte[] idx = Files.readAllBytes(index);
        Path cutIndex = dir.resolve("cut.index");
        Files.write(cutIndex, Arrays.copyOf(idx, idx.length / 2));
        rejects("cut.index", "info", cutIndex);
        rejects("cut.index", "search", "--index", cutIndex, "--queries", q, "--k", 3, "--out-distances", out,
                "--out-labels", dir.resolve("I.npy"));
        assertFalse(Files.exists(out));
    }
}
