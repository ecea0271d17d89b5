package dev.komsu.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.io.Npy;
import dev.komsu.io.ShardFolder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code komsu shard} through the entry point: the shards, searched with komsu search, hold the whole index. */
class ShardCommandTest {
    @TempDir
    Path dir;

    @Test
    void shardsTogetherHoldEveryVectorOnceUnderSuccessiveIds() throws Exception {
        CliFiles f = CliFiles.make(dir);
        Path out = dir.resolve("shards");
        CliRun r = CliRun.of("shard", "--index", f.index(), "--shards", 3, "--output", out);
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("wrote 3 shards"), r::toString);
        ShardFolder folder = ShardFolder.open(out);
        assertArrayEquals(new long[] {0, 100, 200}, folder.idOffsets());
        // every stored vector (x's rows, searched as queries with nprobe = nlist) is found at distance 0
        // in the shard holding its id, under its local id
        for (int s = 0; s < 3; s++) {
            Path d = dir.resolve("D" + s + ".npy");
            Path i = dir.resolve("I" + s + ".npy");
            CliRun search = CliRun.of("search", "--index", folder.files().get(s), "--queries", f.x(), "--k", 1, "--nprobe", 4,
                    "--out-distances", d, "--out-labels", i);
            assertEquals(0, search.exitCode(), search::toString);
            long[] labels = Npy.readLongs(i);
            for (int row = 100 * s; row < 100 * (s + 1); row++) assertEquals(row - 100 * s, labels[row], "row " + row);
        }
    }

    @Test
    void badInputExitsTwoAndWritesNothing() throws Exception {
        CliFiles f = CliFiles.make(dir);
        List<Path> before = f.listing();
        for (Object[] args : new Object[][] {
                {"shard", "--index", dir.resolve("none.index"), "--shards", 2, "--output", dir.resolve("s")},
                {"shard", "--index", f.index(), "--shards", 0, "--output", dir.resolve("s")},
                {"shard", "--index", f.index(), "--shards", 301, "--output", dir.resolve("s")},
                {"shard", "--index", f.index(), "--shards", 2, "--output", f.x()},
                {"shard", "--index", f.index(), "--shards", 2, "--output", dir.resolve("no/such/s")}}) {
            CliRun r = CliRun.of(args);
            assertEquals(2, r.exitCode(), () -> Arrays.toString(args) + "\n" + r);
            assertEquals(1, r.err().lines().count(), r::toString);
            assertEquals(before, f.listing(), () -> Arrays.toString(args));
        }
    }
}
