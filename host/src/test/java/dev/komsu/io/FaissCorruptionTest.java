package dev.komsu.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.komsu.Index;
import dev.komsu.SearchParams;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.FloatMatrix;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Truncated and byte-flipped copies of faiss's reference files must fail with an
 * IndexFormatException (never another exception, a hang or an OutOfMemoryError), or, where the
 * flipped byte is data rather than structure, load and search without crashing.
 */
class FaissCorruptionTest {
    @TempDir
    Path dir;

    /** Every offset of the leading headers, the region around the inverted lists' header, and random ones. */
    private static TreeSet<Long> sampleOffsets(byte[] file, int randomCount, long seed) {
        TreeSet<Long> offsets = new TreeSet<>();
        for (long i = 0; i < Math.min(320, file.length); i++) offsets.add(i);
        int ilar = new String(file, StandardCharsets.ISO_8859_1).indexOf("ilar");
        if (ilar >= 0) {
            for (long i = Math.max(0, ilar - 80); i < Math.min(file.length, ilar + 700); i++) offsets.add(i);
        }
        Random rnd = new Random(seed);
        for (int i = 0; i < randomCount; i++) offsets.add((long) rnd.nextInt(file.length));
        offsets.add((long) file.length - 1);
        return offsets;
    }

    @ParameterizedTest
    @ValueSource(strings = {"flat_ip.index", "ivf64_flat.index"})
    @Timeout(60)
    void everySampledTruncationFailsWithTheOffset(String name) throws IOException {
        Path original = InteropFiles.file(name);
        byte[] bytes = Files.readAllBytes(original);
        Path cut = dir.resolve(name);
        Files.copy(original, cut);
        int checked = 0;
        try (FileChannel ch = FileChannel.open(cut, StandardOpenOption.WRITE)) {
            for (long length : sampleOffsets(bytes, 150, 7).descendingSet()) {
                ch.truncate(length);
                IndexFormatException e = assertThrows(IndexFormatException.class, () -> FaissIndexes.read(cut),
                        name + " cut to " + length + " bytes");
                assertTrue(e.offset() >= 0 && e.offset() <= length, e.getMessage());
                assertTrue(e.getMessage().contains("at byte " + e.offset()), e.getMessage());
                checked++;
            }
        }
        assertTrue(checked > 300, "checked " + checked + " truncations");
    }

    @ParameterizedTest
    @ValueSource(strings = {"flat_ip.index", "ivf64_flat.index"})
    @Timeout(60)
    void flippedBytesLoadOrFailWithIndexFormatException(String name) throws IOException {
        Path original = InteropFiles.file(name);
        byte[] bytes = Files.readAllBytes(original);
        Path bad = dir.resolve(name);
        Files.copy(original, bad);
        int failed = 0;
        int loaded = 0;
        try (FloatMatrix queries = FloatMatrix.of(new float[2 * 256], 2, 256);
             FileChannel ch = FileChannel.open(bad, StandardOpenOption.WRITE)) {
            for (long pos : sampleOffsets(bytes, 300, 11)) {
                for (int mask : new int[] {0xff, 0x01, 0x80}) {
                    byte flipped = (byte) (bytes[(int) pos] ^ mask);
                    ch.write(ByteBuffer.wrap(new byte[] {flipped}), pos);
                    try (Index index = FaissIndexes.read(bad)) {
                        // Loaded: the byte was data (a vector value, an id, an unused field). It must still search.
                        index.search(queries, 8, SearchParams.builder().nprobe(4).build());
                        loaded++;
                    } catch (IndexFormatException e) {
                        failed++;
                    } catch (RuntimeException | Error e) {
                        fail(name + " with byte " + pos + " xor 0x" + Integer.toHexString(mask) + ": " + e, e);
                    }
                    ch.write(ByteBuffer.wrap(new byte[] {bytes[(int) pos]}), pos);
                }
            }
        }
        assertTrue(failed > 50, "structural flips detected: " + failed + " (loaded " + loaded + ")");
        assertTrue(loaded > 0, "some flips hit plain data and load: " + loaded);
    }

    @Test
    void unknownTypeNamesTheTagTheOffsetAndWhatIsSupported() throws IOException {
        Path f = dir.resolve("odd.index");
        byte[] bytes = Files.readAllBytes(InteropFiles.file("flat_ip.index"));
        bytes[0] = 'Z';
        Files.write(f, bytes);
        IndexFormatException e = assertThrows(IndexFormatException.class, () -> FaissIndexes.read(f));
        assertEquals(0, e.offset());
        assertTrue(e.getMessage().contains("'ZxFI'") && e.getMessage().contains("IxF2")
                && e.getMessage().contains("IwFl") && e.getMessage().contains("odd.index"), e.getMessage());
    }

    @Test
    void hugeCountIsRejectedBeforeAnyAllocation() throws IOException {
        Path f = dir.resolve("huge.index");
        byte[] bytes = Files.readAllBytes(InteropFiles.file("flat_ip.index"));
        // The float count follows the 4-byte tag and the 33-byte header; claim 2^60 floats.
        ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(4 + 33, 1L << 60);
        Files.write(f, bytes);
        IndexFormatException e = assertThrows(IndexFormatException.class, () -> FaissIndexes.read(f));
        assertEquals(37, e.offset());
        assertTrue(e.getMessage().contains("bytes are left"), e.getMessage());
    }

    @Test
    void emptyAndMissingFilesFailClearly() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.index"));
        IndexFormatException e = assertThrows(IndexFormatException.class, () -> FaissIndexes.read(empty));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        IOException missing = assertThrows(IOException.class, () -> FaissIndexes.read(dir.resolve("absent.index")));
        assertTrue(missing.getMessage().contains("absent.index"), missing.getMessage());
    }

    @Test
    void unsupportedIndexIsNotWrittenAndTheTargetIsUntouched() throws IOException {
        Path target = dir.resolve("keep.index");
        Files.writeString(target, "previous");
        try (Index idmap = new dev.komsu.index.IdMapIndex(new UnwritableIndex(), false, new long[0])) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FaissIndexes.write(idmap, target));
            assertTrue(e.getMessage().contains("UnwritableIndex"), e.getMessage());
        }
        assertEquals("previous", Files.readString(target));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left");
        }
        assertFalse(Files.exists(dir.resolve("absent.index")));
    }

    /** An index type with no faiss format, to make a write fail half-way. */
    private static final class UnwritableIndex implements Index {
        public int dim() { return 4; }
        public dev.komsu.kernels.Metric metric() { return dev.komsu.kernels.Metric.L2; }
        public long ntotal() { return 0; }
        public boolean isTrained() { return true; }
        public void train(FloatMatrix xs) { }
        public void add(FloatMatrix xs) { throw new UnsupportedOperationException(); }
        public void addWithIds(FloatMatrix xs, long[] ids) { throw new UnsupportedOperationException(); }
        public dev.komsu.kernels.Neighbors search(FloatMatrix q, int k, SearchParams p) { throw new UnsupportedOperationException(); }
        public float[] reconstruct(long id) { throw new UnsupportedOperationException(); }
        public FloatMatrix reconstructN(long from, long n) { throw new UnsupportedOperationException(); }
        public String describe() { return "UnwritableIndex"; }
        public void close() { }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void loadedIndexReleasesItsFileMemoryOnClose(boolean mmap) throws IOException {
        Path copy = dir.resolve("ivf.index");
        Files.copy(InteropFiles.file("ivf64_flat.index"), copy);
        Index ivf = FaissIndexes.load(copy, Backends.scalar(), new LoadOptions(mmap)).index();
        java.lang.foreign.MemorySegment codes = ((dev.komsu.index.IvfIndex) ivf).invertedLists().codes(0);
        java.lang.foreign.MemorySegment vectors = ((dev.komsu.index.IvfIndex) ivf).quantizer().vectors().segment();
        assertEquals(mmap, codes.isMapped() && vectors.isMapped(), "lists and centroids are views of the mapping only when mapped");
        assertTrue(codes.isNative() && vectors.isNative(), "lists and centroids are views of the off-heap copy or mapping");
        codes.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0);
        ivf.close();
        // The mapping is released: its views fail instead of reading unmapped memory.
        assertThrows(IllegalStateException.class, () -> codes.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
        assertThrows(IllegalStateException.class, () -> vectors.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
    }
}
