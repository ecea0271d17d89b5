package dev.komsu.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.SearchParams;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 14's reproducer: an index file truncated or rewritten in place while its index is open.
 * With the default load (a copy, as faiss) the index is unaffected and searches exactly as
 * before; with a mapping the same change made searches throw InternalError and killed the JVM
 * with SIGBUS in compiled PQ code, which is why mapping is opt-in.
 */
class FileChangedAfterLoadTest {
    private static final int D = 16;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"Flat", "IVF8,Flat", "IVF8,PQ4", "IVF8,SQ8", "PQ8x4fs", "IVF8,PQ8x4fs,RFlat", "SQ8", "PQ4",
            "IDMap,IVF8,Flat"})
    void truncatingOrRewritingTheFileDoesNotAffectADefaultLoadedIndex(String factory) throws IOException {
        Random rnd = new Random(5);
        float[] x = new float[2000 * D];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        Path file = dir.resolve("index.faiss");
        try (FloatMatrix xs = FloatMatrix.of(x, 2000, D); FloatMatrix qs = xs.rowRange(0, 20)) {
            try (Index index = IndexFactory.create(D, factory, Metric.L2)) {
                index.train(xs);
                if (factory.startsWith("IDMap")) {
                    long[] ids = new long[2000];
                    for (int i = 0; i < ids.length; i++) ids[i] = 3L * i;
                    index.addWithIds(xs, ids);
                } else {
                    index.add(xs);
                }
                FaissIndexes.write(index, file);
            }
            SearchParams p = SearchParams.builder().nprobe(3).build();
            try (LoadedIndex loaded = FaissIndexes.load(file, Backends.defaultCpu())) {
                Neighbors before = loaded.index().search(qs, 10, p);
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ch.truncate(0); // the pages a mapping would hold are gone
                }
                Neighbors truncated = loaded.index().search(qs, 10, p);
                byte[] junk = new byte[(int) (2 * 2000L * D)];
                rnd.nextBytes(junk);
                Files.write(file, junk, StandardOpenOption.TRUNCATE_EXISTING); // rewritten in place, same inode
                Neighbors rewritten = loaded.index().search(qs, 10, p);
                assertArrayEquals(before.labels(), truncated.labels());
                assertArrayEquals(before.distances(), truncated.distances());
                assertArrayEquals(before.labels(), rewritten.labels());
                assertArrayEquals(before.distances(), rewritten.distances());
                assertEquals(2000, loaded.index().ntotal());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void copiedAndMappedLoadsSearchAlike(boolean mmap) throws IOException {
        Path file = InteropFiles.file("ivf64_pq32x4fs_rflat.index");
        try (LoadedIndex copied = FaissIndexes.load(file, Backends.defaultCpu());
             LoadedIndex other = FaissIndexes.load(file, Backends.defaultCpu(), new LoadOptions(mmap));
             FloatMatrix qs = Npy.readMatrix(InteropFiles.file("queries.npy"))) {
            Neighbors a = copied.index().search(qs, 10, copied.storedParams());
            Neighbors b = other.index().search(qs, 10, other.storedParams());
            assertArrayEquals(a.labels(), b.labels());
            assertArrayEquals(a.distances(), b.distances());
        }
    }
}
