package dev.komsu.bench.data;

import dev.komsu.kernels.FloatMatrix;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the gzip'd IDX files of (Fashion-)MNIST as Debian's {@code dataset-fashion-mnist}
 * ships them: a big-endian header (two zero bytes, a type code, the number of dimensions, then
 * one 32-bit size per dimension) followed by the values. Only unsigned bytes (type 0x08) occur
 * in those files; they become float32 pixel values 0..255, one row per item, the same numbers
 * {@code make_datasets.py} gives faiss.
 */
public final class IdxReader {
    private static final int TYPE_UNSIGNED_BYTE = 0x08;

    private IdxReader() {
    }

    /** Reads {@code file} (gzip'd IDX of unsigned bytes) as rows = first dimension, cols = product of the rest. */
    public static FloatMatrix readImages(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(new GZIPInputStream(raw), 1 << 16))) {
            return read(in, file);
        } catch (java.util.zip.ZipException e) {
            throw new IOException(file + ": not a gzip'd IDX file (" + e.getMessage() + ")", e);
        }
    }

    private static FloatMatrix read(DataInputStream in, Path file) throws IOException {
        int magic = readHeaderInt(in, file, "magic number");
        int zeros = magic >>> 16;
        int type = (magic >>> 8) & 0xff;
        int ndim = magic & 0xff;
        if (zeros != 0 || ndim < 1) {
            throw new IOException(file + ": bad IDX magic 0x" + Integer.toHexString(magic)
                    + ", expected 0x0000TTNN (type TT, NN >= 1 dimensions)");
        }
        if (type != TYPE_UNSIGNED_BYTE) {
            throw new IOException(file + ": IDX value type 0x" + Integer.toHexString(type)
                    + " is not supported, expected 0x08 (unsigned byte)");
        }
        long rows = readSize(in, file, 0);
        long cols = 1;
        for (int i = 1; i < ndim; i++) cols = Math.multiplyExact(cols, readSize(in, file, i));
        if (cols > Integer.MAX_VALUE) throw new IOException(file + ": rows of " + cols + " values are too wide");
        FloatMatrix out = FloatMatrix.allocate(rows, (int) cols);
        try {
            byte[] row = new byte[(int) cols];
            float[] values = new float[(int) cols];
            for (long r = 0; r < rows; r++) {
                try {
                    in.readFully(row);
                } catch (EOFException e) {
                    throw new IOException(file + ": truncated: the header announces " + rows + " items of "
                            + cols + " bytes, the data ends in item " + r, e);
                }
                for (int c = 0; c < row.length; c++) values[c] = row[c] & 0xff;
                out.setRow(r, values, 0);
            }
            if (in.read() != -1) {
                throw new IOException(file + ": more data than the header's " + rows + " items of " + cols + " bytes");
            }
            return out;
        } catch (IOException | RuntimeException e) {
            out.close();
            throw e;
        }
    }

    private static long readSize(DataInputStream in, Path file, int dim) throws IOException {
        int n = readHeaderInt(in, file, "size of dimension " + dim);
        if (n <= 0) throw new IOException(file + ": dimension " + dim + " has size " + n + ", expected > 0");
        return n;
    }

    private static int readHeaderInt(DataInputStream in, Path file, String what) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new IOException(file + ": truncated IDX header, missing the " + what, e);
        }
    }
}
