package dev.komsu.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.SearchParams;
import dev.komsu.index.IvfIndex;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HNSW quantiser nested in an IVF file ({@code IHNf} inside {@code IwFl}): truncations and
 * flipped bytes inside it fail with an IndexFormatException at their offset or load an index
 * that still searches; a quantiser of a kind komsu does not search with is refused by name.
 */
class IvfHnswFileTest {
    private static final int D = 8;
    /** fourcc, d, ntotal, two dummies, is_trained, metric, then nlist and nprobe (size_t): where faiss's IVF header nests the quantiser. */
    private static final int QUANTIZER_AT = 4 + 4 + 8 + 16 + 1 + 4 + 8 + 8;

    @TempDir
    Path dir;

    private byte[] file;
    private int quantizerBytes;

    @BeforeEach
    void write() throws IOException {
        Random rnd = new Random(16);
        float[] x = new float[600 * D];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian() + i / D % 7;
        Path f = dir.resolve("ivf.index");
        Path q = dir.resolve("quantizer.index");
        try (FloatMatrix xs = FloatMatrix.of(x, 600, D); Index index = IndexFactory.create(D, "IVF16_HNSW4,Flat", Metric.L2)) {
            index.train(xs);
            index.add(xs);
            FaissIndexes.write(index, f);
            FaissIndexes.write(((IvfIndex) index).quantizer().index(), q);
        }
        file = Files.readAllBytes(f);
        quantizerBytes = (int) Files.size(q);
        assertEquals("IHNf", new String(file, QUANTIZER_AT, 4, StandardCharsets.ISO_8859_1));
    }

    @Test
    void everyTruncationThroughTheNestedGraphFailsWithItsOffset() throws IOException {
        Path cut = dir.resolve("cut.index");
        // every length through the nested graph's fields, then every 5th through its storage and the lists' header
        for (int length = 0; length < QUANTIZER_AT + quantizerBytes + 64; length += length < QUANTIZER_AT + 400 ? 1 : 5) {
            Files.write(cut, Arrays.copyOf(file, length));
            IndexFormatException e = assertThrows(IndexFormatException.class, () -> FaissIndexes.read(cut), "cut to " + length);
            assertTrue(e.offset() >= 0 && e.offset() <= length, e.getMessage());
        }
    }

    @Test
    void flippedBytesInTheNestedGraphLoadAndSearchOrFailWithIndexFormatException() throws IOException {
        Path bad = dir.resolve("bad.index");
        int failed = 0;
        int loaded = 0;
        try (FloatMatrix queries = FloatMatrix.of(new float[3 * D], 3, D)) {
            for (int pos = QUANTIZER_AT; pos < QUANTIZER_AT + quantizerBytes; pos += 2) {
                for (int mask : new int[] {0xff, 0x01}) {
                    byte[] b = file.clone();
                    b[pos] ^= (byte) mask;
                    Files.write(bad, b);
                    try (Index index = FaissIndexes.read(bad)) {
                        index.search(queries, 5, SearchParams.builder().nprobe(16).efSearch(16).build());
                        loaded++;
                    } catch (IndexFormatException e) {
                        failed++;
                    } catch (RuntimeException | Error e) {
                        fail("byte " + pos + " xor 0x" + Integer.toHexString(mask) + ": " + e, e);
                    }
                }
            }
        }
        assertTrue(failed > 50 && loaded > 0, "failed " + failed + ", loaded " + loaded);
    }

    @Test
    void aQuantizerOfAnotherKindIsRefusedByName() throws IOException {
        Path sq = dir.resolve("sq.index");
        try (Index other = IndexFactory.create(D, "SQ8", Metric.L2); FloatMatrix xs = FloatMatrix.of(new float[16 * D], 16, D)) {
            other.train(xs);
            other.add(xs);
            FaissIndexes.write(other, sq);
        }
        ByteArrayOutputStream spliced = new ByteArrayOutputStream();
        spliced.write(file, 0, QUANTIZER_AT);
        spliced.write(Files.readAllBytes(sq));
        spliced.write(file, QUANTIZER_AT + quantizerBytes, file.length - QUANTIZER_AT - quantizerBytes);
        Path f = dir.resolve("spliced.index");
        Files.write(f, spliced.toByteArray());
        IndexFormatException e = assertThrows(IndexFormatException.class, () -> FaissIndexes.read(f));
        assertEquals(QUANTIZER_AT, e.offset(), e.getMessage());
        assertTrue(e.getMessage().contains("IHNf") && e.getMessage().contains("IxF2"), e.getMessage());
    }
}
