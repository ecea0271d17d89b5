package dev.komsu.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.Index;
import dev.komsu.kernels.FloatMatrix;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files beyond 2^31 bytes open by mapping, with long offsets throughout. The files are sparse
 * (a header, a hole, and one real vector at the end), so the test needs no disk space or time.
 */
class LargeFileTest {
    private static final int D = 4;
    private static final long ROWS = 1L << 28; // 4 GiB of float32
    private static final float[] LAST = {1.5f, -2f, 3.25f, 4f};

    @TempDir
    Path dir;

    private static void writeSparse(Path f, byte[] header, long totalBytes) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.write(header);
            raf.setLength(totalBytes);
            ByteBuffer last = ByteBuffer.allocate(D * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : LAST) last.putFloat(v);
            raf.seek(totalBytes - last.capacity());
            raf.write(last.array());
        }
    }

    @Test
    void npyMatrixOver4GiBIsMappedAndReadAtItsEnd() throws IOException {
        Path f = dir.resolve("big.npy");
        byte[] header = NpyHeader.encode(NpyDtype.FLOAT32, new long[] {ROWS, D});
        writeSparse(f, header, header.length + ROWS * D * Float.BYTES);
        try (FloatMatrix m = Npy.readMatrix(f)) {
            assertEquals(ROWS, m.rows());
            assertTrue(m.segment().isMapped());
            assertArrayEquals(LAST, m.row(ROWS - 1));
            assertArrayEquals(new float[D], m.row(ROWS / 2));
        }
    }

    @Test
    void faissFlatIndexOver4GiBIsMappedAndReconstructsItsLastVector() throws IOException {
        Path f = dir.resolve("big.index");
        ByteBuffer h = ByteBuffer.allocate(4 + 33 + 8).order(ByteOrder.LITTLE_ENDIAN);
        h.put("IxF2".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        h.putInt(D).putLong(ROWS).putLong(1 << 20).putLong(1 << 20).put((byte) 1).putInt(1);
        h.putLong(ROWS * D);
        writeSparse(f, h.array(), h.capacity() + ROWS * D * Float.BYTES);
        try (Index index = FaissIndexes.read(f)) {
            assertEquals(ROWS, index.ntotal());
            assertArrayEquals(LAST, index.reconstruct(ROWS - 1));
        }
    }
}
