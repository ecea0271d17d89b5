package dev.komsu.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.SearchParams;
import dev.komsu.TestData;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardFolderTest {
    @TempDir
    Path dir;

    @Test
    void writesFaissFilesWithSuccessiveIdOffsetsAndTheStoredNprobe() throws Exception {
        try (Index index = IndexFactory.create(8, "IVF4,Flat", Metric.L2);
             FloatMatrix xs = TestData.blobs(101, 8, 4, 1)) {
            index.train(xs);
            index.add(xs);
            Path out = dir.resolve("shards");
            ShardFolder.write(index, 3, SearchParams.builder().nprobe(3).build(), out);
            ShardFolder folder = ShardFolder.open(out);
            assertEquals(3, folder.files().size());
            assertArrayEquals(new long[] {0, 33, 67}, folder.idOffsets());
            assertTrue(ShardFolder.isShardFolder(out));
            try (LoadedIndex last = FaissIndexes.load(folder.files().get(2), dev.komsu.kernels.Backends.scalar())) {
                assertEquals(34, last.index().ntotal());
                assertEquals(3, last.storedParams().nprobe());
                assertArrayEquals(index.reconstruct(67), last.index().reconstruct(0));
            }
            try (Stream<Path> s = Files.list(dir)) {
                assertEquals(1, s.count(), "no temporary folder left beside the output");
            }
        }
    }

    @Test
    void refusesAnExistingOutputAndIncompleteFolders() throws Exception {
        try (Index index = IndexFactory.create(8, "IVF2,Flat", Metric.L2);
             FloatMatrix xs = TestData.uniform(20, 8, 1)) {
            index.train(xs);
            index.add(xs);
            Path out = dir.resolve("shards");
            ShardFolder.write(index, 2, SearchParams.DEFAULTS, out);
            assertThrows(FileAlreadyExistsException.class, () -> ShardFolder.write(index, 2, SearchParams.DEFAULTS, out));
            Files.delete(out.resolve(ShardFolder.fileName(1, 2)));
            assertTrue(assertThrows(java.io.IOException.class, () -> ShardFolder.open(out)).getMessage().contains("lacks shard-1-of-2"));
            assertThrows(NoSuchFileException.class, () -> ShardFolder.open(dir.resolve("none")));
            assertFalse(ShardFolder.isShardFolder(dir.resolve("none")));
        }
    }
}
