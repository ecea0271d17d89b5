package dev.komsu.io;

import dev.komsu.Index;
import dev.komsu.kernels.ComputeBackend;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A bounds-checked cursor over a mapped faiss index file (little-endian, as faiss writes on
 * x86 and ARM). Every read names what it expects, so a short or corrupt file fails with an
 * {@link IndexFormatException} at the right offset; every count is checked against the bytes
 * left in the file before anything is allocated, so a corrupt count can never cause an
 * OutOfMemoryError or a negative array size.
 */
final class FaissInput {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Deeper nesting than any real index (IDMap over PreTransform over Refine over IVF...). */
    private static final int MAX_DEPTH = 16;
    /** The index types that compute L1 and L-infinity: Flat and IVF-Flat, and the wrappers that compute no distance. */
    private static final java.util.Set<String> ELEMENTWISE_TYPES =
            java.util.Set.of("IxF2", "IxFI", "IxFl", "IwFl", "IvFl", "IxMp", "IxM2", "IxPT");

    private final Path file;
    private final MemorySegment data;
    private final SharedMapping mapping;
    private final ComputeBackend backend;
    private long position;
    private int depth;

    FaissInput(Path file, MemorySegment data, SharedMapping mapping, ComputeBackend backend) {
        this.file = file;
        this.data = data;
        this.mapping = mapping;
        this.backend = backend;
    }

    public Path file() {
        return file;
    }

    public ComputeBackend backend() {
        return backend;
    }

    public long position() {
        return position;
    }

    public long remaining() {
        return data.byteSize() - position;
    }

    /** A claim on the file mapping for a part that keeps views of it (see {@link #readBytes}). */
    public Arena shareMapping() {
        return mapping.handle();
    }

    /** An error at the current position. */
    public IndexFormatException error(String problem) {
        return error(position, problem);
    }

    public IndexFormatException error(long at, String problem) {
        return new IndexFormatException(file, at, problem);
    }

    private void need(long bytes, String what) throws IndexFormatException {
        if (bytes > remaining()) {
            throw error("truncated file: expected " + what + " (" + bytes + " bytes), only " + remaining() + " bytes left");
        }
    }

    /** The next index in the file, read by the format its fourcc names. */
    public Index readIndex() throws IndexFormatException {
        if (depth >= MAX_DEPTH) throw error("indexes nested more than " + MAX_DEPTH + " deep");
        long at = position;
        String fourcc = readFourcc("an index type tag (fourcc)");
        depth++;
        try {
            Index index = FaissFormats.reader(fourcc, this, at).read(fourcc, this);
            if (index.metric().isElementwise() && !ELEMENTWISE_TYPES.contains(fourcc)) {
                index.close();
                throw error(at, "index type '" + fourcc + "' with metric " + index.metric() + " is not supported: komsu"
                        + " searches L1 and L-infinity with Flat and IVF-Flat only");
            }
            return index;
        } finally {
            depth--;
        }
    }

    public String readFourcc(String what) throws IndexFormatException {
        need(4, what);
        byte[] b = new byte[4];
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, position, b, 0, 4);
        position += 4;
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** Reads a fourcc and fails unless it is {@code expected}. */
    public void expectFourcc(String expected, String what) throws IndexFormatException {
        long at = position;
        String got = readFourcc(what + " tag '" + expected + "'");
        if (!got.equals(expected)) {
            throw error(at, "expected " + what + " tag '" + expected + "', found " + printable(got));
        }
    }

    /** The four characters for a message, escaping what is not printable ASCII. */
    static String printable(String fourcc) {
        StringBuilder b = new StringBuilder("'");
        for (char c : fourcc.toCharArray()) {
            if (c >= 0x20 && c < 0x7f) b.append(c);
            else b.append(String.format("\\x%02x", (int) c));
        }
        return b.append('\'').toString();
    }

    public int readInt(String what) throws IndexFormatException {
        need(4, what);
        int v = data.get(INT, position);
        position += 4;
        return v;
    }

    public long readLong(String what) throws IndexFormatException {
        need(8, what);
        long v = data.get(LONG, position);
        position += 8;
        return v;
    }

    public float readFloat(String what) throws IndexFormatException {
        need(4, what);
        float v = data.get(FLOAT, position);
        position += 4;
        return v;
    }

    public byte readByte(String what) throws IndexFormatException {
        need(1, what);
        return data.get(ValueLayout.JAVA_BYTE, position++);
    }

    /** A C++ bool: one byte, 0 or 1 (anything else means the file is corrupt). */
    public boolean readBool(String what) throws IndexFormatException {
        long at = position;
        byte b = readByte(what);
        if (b != 0 && b != 1) throw error(at, "expected " + what + " as a bool (0 or 1), found " + b);
        return b == 1;
    }

    /** A size_t (faiss's counts and sizes) that must lie in {@code [min, max]}. */
    public long readSize(String what, long min, long max) throws IndexFormatException {
        long at = position;
        long v = readLong(what);
        if (v < min || v > max) {
            throw error(at, "expected " + what + " in [" + min + ", " + max + "], found "
                    + (v < 0 ? Long.toUnsignedString(v) : Long.toString(v)));
        }
        return v;
    }

    /**
     * The element count of a faiss vector ({@code READVECTOR}: a size_t count, then the
     * elements), checked to fit in the rest of the file at {@code elementBytes} each.
     */
    public long readCount(String what, long elementBytes) throws IndexFormatException {
        long at = position;
        long n = readLong("the length of " + what);
        if (n < 0 || n > remaining() / elementBytes) {
            throw error(at, "length of " + what + " is " + Long.toUnsignedString(n) + " elements of " + elementBytes
                    + " bytes, but only " + remaining() + " bytes are left in the file");
        }
        return n;
    }

    /**
     * {@code a * b} for two sizes read from the file. An overflow can only come from a corrupt
     * field (no real index holds 2^63 bytes), so it is a format error at {@code at}, never a
     * wrapped product that happens to match another field.
     */
    public long product(long at, long a, long b, String what) throws IndexFormatException {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw error(at, what + " = " + a + " * " + b + " overflows a 64-bit size");
        }
    }

    /** A view of the next {@code bytes} bytes of the mapping (valid while a claim is held). */
    public MemorySegment readBytes(long bytes, String what) throws IndexFormatException {
        if (bytes < 0) throw error("negative size " + bytes + " for " + what);
        need(bytes, what);
        MemorySegment s = data.asSlice(position, bytes);
        position += bytes;
        return s;
    }

    /** Skips {@code bytes} bytes that komsu does not use, checking they are present. */
    public void skip(long bytes, String what) throws IndexFormatException {
        readBytes(bytes, what);
    }

    /** The length of a faiss vector about to be copied onto the heap, checked to fit the file and a Java array. */
    private int arrayLength(String what, long elementBytes) throws IndexFormatException {
        long at = position;
        long n = readCount(what, elementBytes);
        if (n > Integer.MAX_VALUE - 8) throw error(at, what + " has " + n + " entries, more than a Java array holds");
        return (int) n;
    }

    /** A faiss vector of int64 ({@code READVECTOR} of idx_t) copied onto the heap. */
    public long[] readLongVector(String what) throws IndexFormatException {
        long[] out = new long[arrayLength(what, Long.BYTES)];
        MemorySegment.copy(readBytes((long) out.length * Long.BYTES, what), LONG, 0, out, 0, out.length);
        return out;
    }

    /** A faiss vector of int32 copied onto the heap. */
    public int[] readIntVector(String what) throws IndexFormatException {
        int[] out = new int[arrayLength(what, Integer.BYTES)];
        MemorySegment.copy(readBytes((long) out.length * Integer.BYTES, what), INT, 0, out, 0, out.length);
        return out;
    }

    /** A faiss vector of double copied onto the heap. */
    public double[] readDoubleVector(String what) throws IndexFormatException {
        double[] out = new double[arrayLength(what, Double.BYTES)];
        MemorySegment.copy(readBytes((long) out.length * Double.BYTES, what), DOUBLE, 0, out, 0, out.length);
        return out;
    }
}
