package dev.komsu.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fuzzer's reproducers from issue 14: fields whose values pass a naive check (a wrapping
 * product, a huge but finite k_factor, an absurd d) must be refused where they are read, with
 * the byte offset, before anything is allocated.
 */
class FaissHostileFieldsTest {
    /** Offsets in every faiss index: fourcc (4 bytes), d (int32), ntotal (int64). */
    private static final int D_AT = 4;
    private static final int NTOTAL_AT = 8;

    @TempDir
    Path dir;

    private Path written(String factory, int d, int n) throws IOException {
        Random rnd = new Random(14);
        float[][] xs = new float[n][d];
        for (float[] row : xs) for (int j = 0; j < d; j++) row[j] = rnd.nextFloat();
        Path file = dir.resolve(factory.replace(',', '_') + ".index");
        try (Index index = IndexFactory.create(d, factory, Metric.L2)) {
            index.train(xs);
            index.add(xs);
            FaissIndexes.write(index, file);
        }
        return file;
    }

    private static void patchLong(Path file, int at, long value) throws IOException {
        byte[] b = Files.readAllBytes(file);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(at, value);
        Files.write(file, b);
    }

    private static IndexFormatException refused(Path file, long offset) {
        IndexFormatException e = assertThrows(IndexFormatException.class, () -> FaissIndexes.read(file));
        assertEquals(offset, e.offset(), e.getMessage());
        return e;
    }

    @ParameterizedTest
    @ValueSource(strings = {"SQ8", "PQ4", "PQ4x4fs"})
    void anNtotalWhoseProductWithTheCodeSizeWrapsIsRefused(String factory) throws IOException {
        Path file = written(factory, 8, 300);
        // 300 + 2^61: times a code size of 8 (SQ8: d bytes) this wraps to the true 2400 code bytes,
        // which the old unchecked product accepted, then allocated ntotal*8 bytes of ids
        patchLong(file, NTOTAL_AT, 300 + (1L << 61));
        IndexFormatException e = refused(file, NTOTAL_AT);
        assertTrue(e.getMessage().contains("ntotal=" + (300 + (1L << 61))), e.getMessage());
    }

    @Test
    void anNtotalLargerThanTheFileIsRefusedAtItsOffset() throws IOException {
        Path file = written("SQ8", 8, 300);
        patchLong(file, NTOTAL_AT, Files.size(file));
        refused(file, NTOTAL_AT);
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, (1 << 24) + 1})
    void anAbsurdDimensionIsRefusedAtItsOffset(int d) throws IOException {
        Path file = written("Flat", 8, 10);
        byte[] b = Files.readAllBytes(file);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(D_AT, d);
        Files.write(file, b);
        IndexFormatException e = refused(file, D_AT);
        assertTrue(e.getMessage().contains("dimension d"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(floats = {2.5e6f, 4e8f, Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NaN, 0.5f})
    void anAbsurdStoredKFactorIsRefusedAtItsOffset(float kFactor) throws IOException {
        Path file = written("IVF4,Flat,RFlat", 8, 200);
        byte[] b = Files.readAllBytes(file);
        int at = b.length - Float.BYTES; // k_factor is IxRF's last field
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(at, kFactor);
        Files.write(file, b);
        IndexFormatException e = refused(file, at);
        assertTrue(e.getMessage().contains("k_factor"), e.getMessage());
    }

    @Test
    void aLargeButPlausibleStoredKFactorStillLoads() throws IOException {
        Path file = written("IVF4,Flat,RFlat", 8, 200);
        byte[] b = Files.readAllBytes(file);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(b.length - Float.BYTES, 1000f);
        Files.write(file, b);
        try (Index index = FaissIndexes.read(file)) {
            assertEquals(200, index.ntotal());
        }
    }

    @Test
    void anNprobeAboveNlistIsKeptAndClampedWhenSearchingAsFaissDoes() throws IOException {
        Path file = written("IVF4,Flat", 8, 200);
        // IVF header: index header (4+4+8+8+8+1+4 = 37 with the fourcc), nlist, then nprobe
        patchLong(file, 37 + 8, 1000);
        Path back = file.resolveSibling("back.index");
        try (LoadedIndex loaded = FaissIndexes.load(file, dev.komsu.kernels.Backends.defaultCpu());
             FloatMatrix q = FloatMatrix.of(new float[][] {{1, 2, 3, 4, 5, 6, 7, 8}})) {
            assertEquals(1000, loaded.storedParams().nprobe(), "kept as stored, so the file round-trips");
            Neighbors stored = loaded.index().search(q, 5);
            Neighbors all = loaded.index().search(q, 5, dev.komsu.SearchParams.builder().nprobe(4).build());
            assertArrayEquals(all.labels(), stored.labels(), "searched with nprobe clamped to nlist=4");
            FaissIndexes.write(loaded.index(), back);
        }
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(back));
    }

    /**
     * faiss's read_index stops after the last structure and ignores what follows (a stream may
     * hold more than one index), and so does komsu: trailing bytes are not an error.
     */
    @Test
    void bytesAfterTheLastStructureAreIgnoredAsFaissDoes() throws IOException {
        Path original = InteropFiles.file("ivf64_flat.index");
        Path padded = dir.resolve("padded.index");
        byte[] b = Files.readAllBytes(original);
        byte[] longer = java.util.Arrays.copyOf(b, b.length + 1000);
        for (int i = b.length; i < longer.length; i++) longer[i] = (byte) (i * 31);
        Files.write(padded, longer);
        try (Index a = FaissIndexes.read(original); Index c = FaissIndexes.read(padded)) {
            float[][] q = {a.reconstruct(5)};
            Neighbors ra = a.search(q, 5, dev.komsu.SearchParams.DEFAULTS);
            Neighbors rc = c.search(q, 5, dev.komsu.SearchParams.DEFAULTS);
            assertArrayEquals(ra.labels(), rc.labels());
            assertArrayEquals(ra.distances(), rc.distances());
        }
    }

    /** Found by the fuzzer: RFlat takes its base's ids as rows of its Flat; an id beyond them failed only at search time. */
    @Test
    void aRefineBaseIdOutsideTheRawVectorsIsRefusedAtLoad() throws IOException {
        Path file = written("IVF4,Flat,RFlat", 8, 200);
        byte[] b = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int ilar = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("ilar");
        int nlist = (int) buf.getLong(ilar + 4);
        long codeSize = buf.getLong(ilar + 12);
        assertEquals("full", new String(b, ilar + 20, 4, java.nio.charset.StandardCharsets.ISO_8859_1));
        int sizesAt = ilar + 24 + 8;
        long size0 = buf.getLong(sizesAt);
        assertTrue(size0 > 0, "list 0 is not empty");
        int firstIdAt = (int) (sizesAt + 8L * nlist + size0 * codeSize);
        buf.putLong(firstIdAt, 137_438_953_484L); // the fuzzer's id
        Files.write(file, b);
        IndexFormatException e = assertThrows(IndexFormatException.class, () -> FaissIndexes.read(file));
        assertTrue(e.getMessage().contains("holds id 137438953484"), e.getMessage());
    }
}
