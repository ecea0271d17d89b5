package dev.komsu.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.io.Npy;
import dev.komsu.rvc.RvcReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
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

    private CliFiles files;

    @BeforeEach
    void files() throws Exception {
        files = CliFiles.make(dir);
        x = files.x();
        q = files.q();
        index = files.index();
    }

    /** Runs komsu, expects exit 2 with each of {@code expected} in one stderr line, and no new file. */
    private CliRun rejects(List<String> expected, Object... args) throws Exception {
        List<Path> before = files.listing();
        CliRun r = CliRun.of(args);
        assertEquals(2, r.exitCode(), () -> Arrays.toString(args) + "\n" + r);
        for (String e : expected) assertTrue(r.err().contains(e), () -> "stderr should mention '" + e + "'\n" + r);
        assertEquals(1, r.err().strip().lines().count(), () -> "one line on stderr\n" + r);
        assertFalse(r.err().contains("Exception") || r.err().contains("Error"), r::toString);
        assertEquals(before, files.listing(), () -> "nothing may be written: " + Arrays.toString(args));
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

    @Test
    void aKBeyondTheHeapIsRefusedNamingTheSizeAndTheFlag() throws Exception {
        // issue 14: --k 400000000 --batch 1 ended in a raw OutOfMemoryError; the tests' heap is
        // 6 GiB, so 1.5e9 slots (18 GB) stands in for it here (SearchBudgetTest has 4e8 exactly)
        Path d = dir.resolve("D.npy");
        Path i = dir.resolve("I.npy");
        Path one = files.npy("one.npy", RvcReference.random(1, 8, 3));
        rejects(List.of("k=1500000000", "needs about", "Java heap free", "lower --k"),
                "search", "--index", index, "--queries", one, "--k", 1_500_000_000, "--batch", 1, "--out-distances", d,
                "--out-labels", i);
    }

    @Test
    void outputsLargerThanTheFreeSpaceAreRefusedBeforeAnySearch() throws Exception {
        Path d = dir.resolve("D.npy");
        Path i = dir.resolve("I.npy");
        long needed = 20L * 1_000_000_000 * 12;
        boolean diskTooSmall = Files.getFileStore(dir).getUsableSpace() < needed;
        rejects(diskTooSmall ? List.of("the outputs need 223.5 GiB", "free") : List.of("Java heap free"),
                "search", "--index", index, "--queries", q, "--k", 1_000_000_000, "--batch", 1, "--out-distances", d,
                "--out-labels", i);
    }

    @Test
    void aHugeKFactorOnTheCommandLineGivesTheExactRefineAnswerQuickly() throws Exception {
        Path refine = dir.resolve("refine.index");
        assertEquals(0, CliRun.of("build", "--input", x, "--factory", "IVF4,Flat,RFlat", "--output", refine).exitCode());
        Path d1 = dir.resolve("D1.npy");
        Path i1 = dir.resolve("I1.npy");
        Path d2 = dir.resolve("D2.npy");
        Path i2 = dir.resolve("I2.npy");
        CliRun all = CliRun.of("search", "--index", refine, "--queries", q, "--k", 5, "--nprobe", 4, "--k-factor", 60,
                "--out-distances", d1, "--out-labels", i1);
        long start = System.nanoTime();
        CliRun huge = CliRun.of("search", "--index", refine, "--queries", q, "--k", 5, "--nprobe", 4, "--k-factor", "4e8",
                "--out-distances", d2, "--out-labels", i2);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(0, all.exitCode(), all::toString);
        assertEquals(0, huge.exitCode(), huge::toString);
        assertTrue(seconds < 5, "k_factor 4e8 took " + seconds + " s");
        assertArrayEquals(Npy.readLongs(i1), Npy.readLongs(i2));
        assertArrayEquals(Npy.readFloats(d1), Npy.readFloats(d2));
    }

    @Test
    void saveTotalOverTheInputIsRefused() throws Exception {
        // issue 14: exited 0 and replaced the user's features with shuffled rows
        byte[] before = Files.readAllBytes(x);
        rejects(List.of("--input and --save-total name the same file"),
                "build", "--input", x, "--save-total", x, "--shuffle", 7, "--factory", "Flat", "--output", dir.resolve("o.index"));
        assertArrayEquals(before, Files.readAllBytes(x));
    }

    @Test
    void aBlendKBeyondTheHeapIsRefused() throws Exception {
        rejects(List.of("k=1500000000", "lower --k"),
                "blend", "--index", index, "--features", q, "--k", 1_500_000_000, "--output", dir.resolve("b.npy"));
    }

    @Test
    void buildRefusesAnIdMapFactoryItCannotFeedIds() throws Exception {
        // found by the CLI fuzzer: "build --factory IDMap,Flat" was an internal failure (exit 1)
        rejects(List.of("--factory IDMap,Flat", "explicit ids"),
                "build", "--input", x, "--factory", "IDMap,Flat", "--output", dir.resolve("o.index"));
        rejects(List.of("explicit ids"), "build", "--input", x, "--factory", "L2norm,IDMap2,IVF4,Flat", "--output",
                dir.resolve("o.index"));
    }
}
