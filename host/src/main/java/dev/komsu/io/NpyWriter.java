package dev.komsu.io;

import dev.komsu.kernels.FloatMatrix;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Writes a {@code .npy} file whose shape is known up front, in pieces: the header first, then
 * values batch by batch (e.g. the results of a search over millions of queries), then
 * {@link #commit} checks that exactly the announced number of values arrived and moves the file
 * into place atomically. Closing without commit deletes the temporary file, so the target is
 * never half-written.
 *
 * <pre>{@code
 * try (NpyWriter w = NpyWriter.create(out, NpyDtype.INT64, nq, k)) {
 *     for (...) w.writeLongs(batch.labels(), 0, batch.labels().length);
 *     w.commit();
 * }
 * }</pre>
 * Not thread-safe.
 */
public final class NpyWriter implements AutoCloseable {
    private static final int BUFFER_BYTES = 1 << 20;

    private final Path file;
    private final NpyDtype dtype;
    private final long[] shape;
    private final long count;
    private final AtomicFileOutput out;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private long written;

    private NpyWriter(Path file, NpyDtype dtype, long[] shape, AtomicFileOutput out) {
        this.file = file;
        this.dtype = dtype;
        this.shape = shape;
        this.count = new NpyHeader(dtype, shape, 0).count();
        this.out = out;
    }

    /** Starts a file of the given dtype and shape (e.g. {@code rows, cols}); any dimension may be 0. */
    public static NpyWriter create(Path file, NpyDtype dtype, long... shape) throws IOException {
        Objects.requireNonNull(dtype, "dtype");
        long n = 1;
        for (long s : shape) {
            if (s < 0) throw new IllegalArgumentException("shape " + NpyHeader.shapeString(shape) + " has a negative dimension");
            n = Math.multiplyExact(n, s);
        }
        Math.multiplyExact(n, (long) dtype.size());
        AtomicFileOutput out = AtomicFileOutput.create(file);
        try {
            out.write(ByteBuffer.wrap(NpyHeader.encode(dtype, shape)));
            return new NpyWriter(file, dtype, shape.clone(), out);
        } catch (IOException | RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /** Values written so far. */
    public long written() {
        return written;
    }

    /** Appends {@code values[from .. from+n)}; the file's dtype must be float32 or float16. */
    public void writeFloats(float[] values, int from, int n) throws IOException {
        Objects.checkFromIndexSize(from, n, values.length);
        requireDtype(NpyDtype.FLOAT32, NpyDtype.FLOAT16);
        reserve(n);
        for (int i = from; i < from + n; i++) {
            room(dtype.size());
            if (dtype == NpyDtype.FLOAT32) buffer.putFloat(values[i]);
            else buffer.putShort(Float.floatToFloat16(values[i]));
        }
    }

    /** Appends all rows of {@code m}; the file's dtype must be float32 (written straight from memory). */
    public void writeRows(FloatMatrix m) throws IOException {
        requireDtype(NpyDtype.FLOAT32, NpyDtype.FLOAT32);
        long n = m.rows() * m.cols();
        reserve(n);
        flush();
        // The matrix holds native-order floats, little-endian on every platform komsu supports.
        MemorySegment seg = m.segment();
        for (long off = 0; off < seg.byteSize(); off += BUFFER_BYTES * 64L) {
            out.write(seg.asSlice(off, Math.min(BUFFER_BYTES * 64L, seg.byteSize() - off)).asByteBuffer());
        }
    }

    /** Appends {@code values[from .. from+n)}; int64 files, or int32 files when every value fits. */
    public void writeLongs(long[] values, int from, int n) throws IOException {
        Objects.checkFromIndexSize(from, n, values.length);
        requireDtype(NpyDtype.INT64, NpyDtype.INT32);
        reserve(n);
        for (int i = from; i < from + n; i++) {
            room(dtype.size());
            if (dtype == NpyDtype.INT64) {
                buffer.putLong(values[i]);
            } else {
                if (values[i] != (int) values[i]) {
                    throw new IllegalArgumentException("value " + values[i] + " at index " + i + " does not fit the int32 file " + file);
                }
                buffer.putInt((int) values[i]);
            }
        }
    }

    /** Appends {@code values[from .. from+n)}; the file's dtype must be int32 or int64. */
    public void writeInts(int[] values, int from, int n) throws IOException {
        Objects.checkFromIndexSize(from, n, values.length);
        requireDtype(NpyDtype.INT32, NpyDtype.INT64);
        reserve(n);
        for (int i = from; i < from + n; i++) {
            room(dtype.size());
            if (dtype == NpyDtype.INT32) buffer.putInt(values[i]);
            else buffer.putLong(values[i]);
        }
    }

    private void requireDtype(NpyDtype a, NpyDtype b) {
        if (dtype != a && dtype != b) {
            throw new IllegalArgumentException(file + " is being written as " + dtype + ", which does not take " + a + " values");
        }
    }

    private void reserve(long n) {
        if (written + n > count) {
            throw new IllegalStateException("writing " + n + " more values to " + file + " would exceed its shape "
                    + NpyHeader.shapeString(shape) + " (" + count + " values, " + written + " written)");
        }
        written += n;
    }

    private void room(int bytes) throws IOException {
        if (buffer.remaining() < bytes) flush();
    }

    private void flush() throws IOException {
        buffer.flip();
        out.write(buffer);
        buffer.clear();
    }

    /** Finishes the file: every value of the shape must have been written. */
    public void commit() throws IOException {
        if (written != count) {
            throw new IllegalStateException(file + " has shape " + NpyHeader.shapeString(shape) + " (" + count
                    + " values) but only " + written + " were written");
        }
        flush();
        out.commit();
    }

    /** Deletes the unfinished file unless {@link #commit} succeeded. */
    @Override
    public void close() {
        out.close();
    }
}
