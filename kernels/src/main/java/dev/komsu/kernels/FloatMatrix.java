package dev.komsu.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * A dense row-major matrix of float32 in a {@link MemorySegment}: {@code rows x cols}, long
 * indexing so more than 2^31 elements work. A matrix either owns its memory (made by
 * {@link #allocate} or the copying factories; {@link #close} frees it at once) or is a view of
 * memory owned elsewhere ({@link #wrap}, {@link #rowRange}; close does nothing).
 */
public final class FloatMatrix implements AutoCloseable {
    /** Unaligned little-endian float, as in .npy files and faiss index files. */
    public static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final long rows;
    private final int cols;
    private final MemorySegment segment;
    private final Arena owner; // null for views

    private FloatMatrix(long rows, int cols, MemorySegment segment, Arena owner) {
        if (rows < 0) throw new IllegalArgumentException("rows must be >= 0, got " + rows);
        if (cols <= 0) throw new IllegalArgumentException("cols must be > 0, got " + cols);
        long need = Math.multiplyExact(Math.multiplyExact(rows, (long) cols), Float.BYTES);
        if (segment.byteSize() < need) {
            throw new IllegalArgumentException("segment of " + segment.byteSize()
                    + " bytes is too small for " + rows + " x " + cols + " floats (" + need + " bytes)");
        }
        this.rows = rows;
        this.cols = cols;
        this.segment = segment.asSlice(0, need);
        this.owner = owner;
    }

    /** A zero-filled matrix that owns its off-heap memory (64-byte aligned for SIMD loads). */
    public static FloatMatrix allocate(long rows, int cols) {
        Arena arena = Arena.ofShared();
        try {
            long bytes = Math.multiplyExact(Math.multiplyExact(rows, (long) cols), Float.BYTES);
            return new FloatMatrix(rows, cols, arena.allocate(Math.max(bytes, 1), 64), arena);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** Copies {@code data} (row-major, {@code rows * cols} values) into a new owning matrix. */
    public static FloatMatrix of(float[] data, long rows, int cols) {
        Objects.requireNonNull(data, "data");
        if ((long) data.length != rows * cols) {
            throw new IllegalArgumentException("data has " + data.length + " floats, expected rows*cols = "
                    + rows + "*" + cols + " = " + rows * cols);
        }
        FloatMatrix m = allocate(rows, cols);
        MemorySegment.copy(data, 0, m.segment, FLOAT, 0, data.length);
        return m;
    }

    /** Copies the rows of {@code data} (all of equal length) into a new owning matrix. */
    public static FloatMatrix of(float[][] data) {
        Objects.requireNonNull(data, "data");
        if (data.length == 0) throw new IllegalArgumentException("no rows: the array is empty");
        int cols = data[0].length;
        FloatMatrix m = allocate(data.length, cols);
        for (int r = 0; r < data.length; r++) {
            if (data[r].length != cols) {
                m.close();
                throw new IllegalArgumentException("row " + r + " has " + data[r].length
                        + " values, row 0 has " + cols);
            }
            MemorySegment.copy(data[r], 0, m.segment, FLOAT, (long) r * cols * Float.BYTES, cols);
        }
        return m;
    }

    /**
     * A matrix over {@code segment} that takes ownership of {@code owner} (e.g. the arena of a
     * file mapping): closing the matrix closes the arena.
     */
    public static FloatMatrix adopt(MemorySegment segment, long rows, int cols, Arena owner) {
        return new FloatMatrix(rows, cols, segment, Objects.requireNonNull(owner, "owner"));
    }

    /** A view of {@code segment} as a matrix; the caller keeps ownership of the memory. */
    public static FloatMatrix wrap(MemorySegment segment, long rows, int cols) {
        return new FloatMatrix(rows, cols, segment, null);
    }

    public long rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** The backing memory: exactly {@code rows * cols * 4} bytes. */
    public MemorySegment segment() {
        return segment;
    }

    /** Byte offset of the first value of row {@code r}. */
    public long rowOffset(long r) {
        return r * cols * (long) Float.BYTES;
    }

    public float get(long r, int c) {
        return segment.getAtIndex(FLOAT, r * cols + c);
    }

    public void set(long r, int c, float v) {
        segment.setAtIndex(FLOAT, r * cols + c, v);
    }

    /** A copy of row {@code r}. */
    public float[] row(long r) {
        float[] out = new float[cols];
        copyRow(r, out, 0);
        return out;
    }

    /** Copies row {@code r} into {@code dst} starting at {@code offset}. */
    public void copyRow(long r, float[] dst, int offset) {
        Objects.checkIndex(r, rows);
        MemorySegment.copy(segment, FLOAT, rowOffset(r), dst, offset, cols);
    }

    /** Overwrites row {@code r} with {@code src[offset .. offset+cols)}. */
    public void setRow(long r, float[] src, int offset) {
        Objects.checkIndex(r, rows);
        MemorySegment.copy(src, offset, segment, FLOAT, rowOffset(r), cols);
    }

    /** A view of rows {@code [from, from+count)}; shares memory with this matrix. */
    public FloatMatrix rowRange(long from, long count) {
        Objects.checkFromIndexSize(from, count, rows);
        return new FloatMatrix(count, cols, segment.asSlice(rowOffset(from), count * cols * Float.BYTES), null);
    }

    /** A copy of all values, row-major. Only for matrices under 2^31 values. */
    public float[] toArray() {
        long n = rows * cols;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException(rows + " x " + cols + " matrix is too large for a float[]");
        }
        float[] out = new float[(int) n];
        MemorySegment.copy(segment, FLOAT, 0, out, 0, out.length);
        return out;
    }

    /** A deep copy that owns its memory. */
    public FloatMatrix copy() {
        FloatMatrix m = allocate(rows, cols);
        m.segment.copyFrom(segment);
        return m;
    }

    /** True if this matrix owns its memory (and {@link #close} frees it). */
    public boolean ownsMemory() {
        return owner != null;
    }

    /**
     * Returns the first (row, col) holding NaN or an infinity, or null if all values are finite.
     * Inputs are checked with this before search and training: a NaN would silently poison
     * every distance it touches.
     */
    public long[] firstNonFinite() {
        long n = rows * cols;
        for (long i = 0; i < n; i++) {
            float v = segment.getAtIndex(FLOAT, i);
            if (!Float.isFinite(v)) return new long[] {i / cols, i % cols};
        }
        return null;
    }

    /** Frees owned memory; views are unaffected. Idempotent. */
    @Override
    public void close() {
        if (owner != null && owner.scope().isAlive()) owner.close();
    }

    @Override
    public String toString() {
        return "FloatMatrix[" + rows + " x " + cols + (owner == null ? ", view]" : "]");
    }
}
