package dev.komsu.bench.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.kernels.FloatMatrix;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    /** Writes a gzip'd IDX file: magic 0x0000TTNN, sizes, then {@code data}. */
    private Path idx(String name, int type, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(raw)) {
            out.writeInt((type << 8) | dims.length);
            for (int d : dims) out.writeInt(d);
            out.write(data);
        }
        Path file = dir.resolve(name);
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(file))) {
            gz.write(raw.toByteArray());
        }
        return file;
    }

    @Test
    void readsImagesAsRowsOfUnsignedPixelValues() throws IOException {
        byte[] pixels = new byte[3 * 2 * 2];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (byte) (i * 23); // 0, 23, ..., 253 (> 127: unsigned)
        Path file = idx("images-idx3-ubyte.gz", 0x08, new int[] {3, 2, 2}, pixels);
        try (FloatMatrix m = IdxReader.readImages(file)) {
            assertEquals(3, m.rows());
            assertEquals(4, m.cols());
            assertArrayEquals(new float[] {0, 23, 46, 69}, m.row(0));
            assertArrayEquals(new float[] {184, 207, 230, 253}, m.row(2));
        }
    }

    @Test
    void readsAOneDimensionalFileAsOneValuePerRow() throws IOException {
        Path file = idx("labels-idx1-ubyte.gz", 0x08, new int[] {4}, new byte[] {9, 0, (byte) 200, 1});
        try (FloatMatrix m = IdxReader.readImages(file)) {
            assertEquals(4, m.rows());
            assertEquals(1, m.cols());
            assertArrayEquals(new float[] {9, 0, 200, 1}, m.toArray());
        }
    }

    @Test
    void truncatedDataIsAnErrorNamingTheItem() throws IOException {
        Path file = idx("short.gz", 0x08, new int[] {3, 2, 2}, new byte[9]);
        IOException e = assertThrows(IOException.class, () -> IdxReader.readImages(file));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("item 2"), e.getMessage());
    }

    @Test
    void extraDataIsAnError() throws IOException {
        Path file = idx("long.gz", 0x08, new int[] {1, 2}, new byte[3]);
        IOException e = assertThrows(IOException.class, () -> IdxReader.readImages(file));
        assertTrue(e.getMessage().contains("more data"), e.getMessage());
    }

    @Test
    void otherValueTypesAreRejected() throws IOException {
        Path file = idx("floats.gz", 0x0D, new int[] {1, 1}, new byte[4]);
        IOException e = assertThrows(IOException.class, () -> IdxReader.readImages(file));
        assertTrue(e.getMessage().contains("0xd") && e.getMessage().contains("unsigned byte"), e.getMessage());
    }

    @Test
    void aFileThatIsNotGzipIsRejected() throws IOException {
        Path file = dir.resolve("plain");
        Files.write(file, new byte[] {0, 0, 8, 1, 0, 0, 0, 1, 7});
        assertThrows(IOException.class, () -> IdxReader.readImages(file));
    }
}
