package dev.komsu.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14's CLI reproducers: loading options, memory budgets, same-file outputs. */
class KomsuCliReliabilityTest {
    @TempDir
    Path dir;
    private Path x;       // 300 x 8
    private Path q;       // 20 x 8
    private Path index;   // IVF4,Flat over x

    private Path npy(String name, float[][] rows) throws Exception {
        Path p = dir.resolve(name);
        try (FloatMatrix m = FloatMatrix.of(rows)) {
            Npy.write(p, m);
        }
        return p;
    }

    @BeforeEach
    void files() throws Exception {
        x = npy("x.npy", RvcReference.random(300, 8, 1));
        q = npy("q.npy", RvcReference.random(20, 8, 2));
        index = dir.resolve("x.index");
        CliRun r = CliRun.of("build", "--input", x, "--factory", "IVF4,Flat", "--output", index);
        assertEquals(0, r.exitCode(), r::toString);
    }

    private List<Path> listing() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    /** Runs komsu, expects exit 2 with each of {@code expected} in one stderr line, and no new file. */
    private CliRun rejects(List<String> expected, Object... args) throws Exception {
        List<Path> before = listing();
        CliRun r = CliRun.of(args);
        assertEquals(2, r.exitCode(), () -> Arrays.toString(args) + "\n" + r);
        for (String e : expected) assertTrue(r.err().contains(e), () -> "stderr should mention '" + e + "'\n" + r);
        assertEquals(1, r.err().strip().lines().count(), () -> "one line on stderr\n" + r);
        assertFalse(r.err().contains("Exception") || r.err().contains("Error"), r::toString);
        assertEquals(before, listing(), () -> "nothing may be written: " + Arrays.toString(args));
        return r;
    }

    @Test
    void searchWithMmapGivesTheSameResultsAsTheDefaultCopy() throws Exception {
        Path d1 = dir.resolve("D1.npy");
        Path i1 = dir.resolve("I1.npy");
        Path d2 = dir.resolve("D2.npy");
        Path i2 = dir.resolve("I2.npy");
        CliRun copied = CliRun.of("search", "--index", index, "--queries", q, "--k", 5, "--out-distances", d1, "--out-labels", i1);
        CliRun mapped = CliRun.of("search", "--index", index, "--queries", q, "--k", 5, "--mmap", "--out-distances", d2,
                "--out-labels", i2);
        assertEquals(0, copied.exitCode(), copied::toString);
        assertEquals(0, mapped.exitCode(), mapped::toString);
        assertArrayEquals(Npy.readLongs(i1), Npy.readLongs(i2));
        assertArrayEquals(Npy.readFloats(d1), Npy.readFloats(d2));
        CliRun info = CliRun.of("info", "--mmap", index);
        assertEquals(0, info.exitCode(), info::toString);
    }
}
