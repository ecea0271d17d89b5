package dev.komsu.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes float64 .npy files, which komsu reads but never writes, as NumPy's np.save does (format 1.0). */
final class Float64Npy {
    private Float64Npy() {
    }

    static Path write(Path file, float[][] rows) throws IOException {
        int cols = rows[0].length;
        String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + rows.length + ", " + cols + "), }";
        int headerLength = 10 + dict.length() + 1;
        int padded = (headerLength + 63) / 64 * 64;
        ByteBuffer b = ByteBuffer.allocate(padded + rows.length * cols * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) (padded - 10));
        b.put(dict.getBytes(StandardCharsets.US_ASCII));
        while (b.position() < padded - 1) b.put((byte) ' ');
        b.put((byte) '\n');
        for (float[] row : rows) {
            for (float v : row) b.putDouble(v); // exact: every float32 is a float64
        }
        return Files.write(file, b.array());
    }
}
