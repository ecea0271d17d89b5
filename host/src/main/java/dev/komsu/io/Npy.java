package dev.komsu.io;

import dev.komsu.kernels.FloatMatrix;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1.0 to 3.0; float32, float16,
 * int64, int32; float64 read only, rounded to float32; C order, little-endian). Matrices are 2-D arrays {@code (rows, cols)}; a 1-D
 * array {@code (n,)} is read as one row of n values (a single vector, e.g. one query), since
 * no feature or query file is a column.
 *
 * <p>float32 matrices are memory-mapped, not copied, so multi-GB feature files open at once;
 * such a matrix is read-only (call {@link FloatMatrix#copy()} for a writable one) and closing
 * it unmaps the file. All writes are atomic (see {@link AtomicFileOutput}). komsu assumes a
 * little-endian machine (x86, ARM), as faiss's file formats do.
 */
public final class Npy {
    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private Npy() {
    }

    /** The header of {@code file}, checked against the file size. */
    public static NpyHeader readHeader(Path file) throws IOException {
        try (FileChannel ch = open(file)) {
            return NpyHeader.read(file, ch);
        }
    }

    /**
     * A float matrix from a float32, float16 or float64 file of shape {@code (rows, cols)} or
     * {@code (n,)} (one row). float32 is mapped read-only; float16 and float64 are converted into
     * memory of its own (float64 rounded to the nearest float32, as faiss's Python does with
     * {@code np.ascontiguousarray(x, dtype='float32')}; callers that want to tell the user check
     * {@link #readHeader}). The caller closes the matrix.
     */
    public static FloatMatrix readMatrix(Path file) throws IOException {
        try (FileChannel ch = open(file)) {
            NpyHeader h = NpyHeader.read(file, ch);
            long[] rc = matrixShape(file, h);
            long rows = rc[0];
            long cols = rc[1];
            Arena arena = Arena.ofShared();
            try {
                MemorySegment data = ch.map(FileChannel.MapMode.READ_ONLY, h.dataOffset(), h.dataBytes(), arena);
                if (h.dtype() == NpyDtype.FLOAT32) return FloatMatrix.adopt(data, rows, (int) cols, arena);
                try (arena) {
                    return h.dtype() == NpyDtype.FLOAT64 ? fromDouble(data, rows, (int) cols) : fromHalf(data, rows, (int) cols);
                }
            } catch (IOException | RuntimeException | Error e) {
                if (arena.scope().isAlive()) arena.close();
                throw e;
            }
        }
    }

    /** {rows, cols} of a float file read as a matrix: 2-D as is, 1-D as one row; else an error. */
    public static long[] matrixShape(Path file, NpyHeader h) throws NpyFormatException {
        if (h.dtype() != NpyDtype.FLOAT32 && h.dtype() != NpyDtype.FLOAT16 && h.dtype() != NpyDtype.FLOAT64) {
            throw new NpyFormatException(file, "holds " + h.dtype() + " values, expected float32 (<f4), float16 (<f2)"
                    + " or float64 (<f8) vectors");
        }
        long[] shape = h.shape();
        long rows;
        long cols;
        if (shape.length == 2) {
            rows = shape[0];
            cols = shape[1];
        } else if (shape.length == 1) {
            rows = 1;
            cols = shape[0];
        } else {
            throw new NpyFormatException(file, "has shape " + h.shapeString() + ": expected a 2-D matrix (rows, cols) or a 1-D vector");
        }
        if (cols <= 0 || cols > Integer.MAX_VALUE) {
            throw new NpyFormatException(file, "has shape " + h.shapeString() + ": rows must have between 1 and "
                    + Integer.MAX_VALUE + " values");
        }
        return new long[] {rows, cols};
    }

    private static FloatMatrix fromHalf(MemorySegment data, long rows, int cols) {
        FloatMatrix m = FloatMatrix.allocate(rows, cols);
        long n = rows * cols;
        MemorySegment dst = m.segment();
        for (long i = 0; i < n; i++) {
            dst.setAtIndex(FloatMatrix.FLOAT, i, Float.float16ToFloat(data.getAtIndex(HALF, i)));
        }
        return m;
    }

    private static FloatMatrix fromDouble(MemorySegment data, long rows, int cols) {
        FloatMatrix m = FloatMatrix.allocate(rows, cols);
        long n = rows * cols;
        MemorySegment dst = m.segment();
        for (long i = 0; i < n; i++) dst.setAtIndex(FloatMatrix.FLOAT, i, (float) data.getAtIndex(DOUBLE, i));
        return m;
    }

    /** All values of a float32 or float16 file of any shape, flattened in C order. */
    public static float[] readFloats(Path file) throws IOException {
        try (FileChannel ch = open(file); Arena arena = Arena.ofConfined()) {
            NpyHeader h = NpyHeader.read(file, ch);
            if (h.dtype() != NpyDtype.FLOAT32 && h.dtype() != NpyDtype.FLOAT16) {
                throw new NpyFormatException(file, "holds " + h.dtype() + " values, expected float32 (<f4) or float16 (<f2)");
            }
            int n = arrayLength(file, h);
            MemorySegment data = ch.map(FileChannel.MapMode.READ_ONLY, h.dataOffset(), h.dataBytes(), arena);
            float[] out = new float[n];
            if (h.dtype() == NpyDtype.FLOAT32) {
                MemorySegment.copy(data, FloatMatrix.FLOAT, 0, out, 0, n);
            } else {
                for (int i = 0; i < n; i++) out[i] = Float.float16ToFloat(data.getAtIndex(HALF, i));
            }
            return out;
        }
    }

    /** All values of an int64 or int32 file of any shape, flattened in C order, as long. */
    public static long[] readLongs(Path file) throws IOException {
        try (FileChannel ch = open(file); Arena arena = Arena.ofConfined()) {
            NpyHeader h = NpyHeader.read(file, ch);
            requireInteger(file, h);
            int n = arrayLength(file, h);
            MemorySegment data = ch.map(FileChannel.MapMode.READ_ONLY, h.dataOffset(), h.dataBytes(), arena);
            long[] out = new long[n];
            for (int i = 0; i < n; i++) {
                out[i] = h.dtype() == NpyDtype.INT64 ? data.getAtIndex(LONG, i) : data.getAtIndex(INT, i);
            }
            return out;
        }
    }

    /** All values of an int32 file (or an int64 file whose values fit), flattened in C order. */
    public static int[] readInts(Path file) throws IOException {
        long[] values = readLongs(file);
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] != (int) values[i]) {
                throw new NpyFormatException(file, "value " + values[i] + " at index " + i + " does not fit in an int");
            }
            out[i] = (int) values[i];
        }
        return out;
    }

    private static void requireInteger(Path file, NpyHeader h) throws NpyFormatException {
        if (h.dtype() != NpyDtype.INT64 && h.dtype() != NpyDtype.INT32) {
            throw new NpyFormatException(file, "holds " + h.dtype() + " values, expected int64 (<i8) or int32 (<i4)");
        }
    }

    private static int arrayLength(Path file, NpyHeader h) throws NpyFormatException {
        if (h.count() > Integer.MAX_VALUE - 8) {
            throw new NpyFormatException(file, "shape " + h.shapeString() + " holds too many values for a Java array");
        }
        return (int) h.count();
    }

    private static FileChannel open(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such .npy file");
        }
    }

    /** Writes {@code m} as a float32 array of shape {@code (rows, cols)}, atomically. */
    public static void write(Path file, FloatMatrix m) throws IOException {
        try (NpyWriter w = NpyWriter.create(file, NpyDtype.FLOAT32, m.rows(), m.cols())) {
            w.writeRows(m);
            w.commit();
        }
    }

    /** Writes {@code data} (C order) as float32 of the given shape, atomically. */
    public static void writeFloats(Path file, float[] data, long... shape) throws IOException {
        try (NpyWriter w = NpyWriter.create(file, NpyDtype.FLOAT32, shape)) {
            checkCount(file, data.length, shape);
            w.writeFloats(data, 0, data.length);
            w.commit();
        }
    }

    /** Writes {@code data} (C order) as int64 of the given shape, atomically. */
    public static void writeLongs(Path file, long[] data, long... shape) throws IOException {
        try (NpyWriter w = NpyWriter.create(file, NpyDtype.INT64, shape)) {
            checkCount(file, data.length, shape);
            w.writeLongs(data, 0, data.length);
            w.commit();
        }
    }

    /** Writes {@code data} (C order) as int32 of the given shape, atomically. */
    public static void writeInts(Path file, int[] data, long... shape) throws IOException {
        try (NpyWriter w = NpyWriter.create(file, NpyDtype.INT32, shape)) {
            checkCount(file, data.length, shape);
            w.writeInts(data, 0, data.length);
            w.commit();
        }
    }

    private static void checkCount(Path file, int length, long[] shape) {
        long n = 1;
        for (long s : shape) n *= s;
        if (n != length) {
            throw new IllegalArgumentException("cannot write " + file + ": " + length + " values do not fill shape "
                    + NpyHeader.shapeString(shape) + " (" + n + " values)");
        }
    }
}
