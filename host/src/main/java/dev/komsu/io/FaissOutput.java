package dev.komsu.io;

import dev.komsu.Index;
import dev.komsu.SearchParams;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes the fields of a faiss index file in faiss's layout (little-endian, size_t as 8
 * bytes, bool as 1 byte) into an {@link AtomicFileOutput}, through a buffer; large blocks
 * (vectors, list codes) go straight from off-heap memory to the file.
 */
final class FaissOutput {
    private static final int BUFFER_BYTES = 1 << 16;
    private static final long CHUNK_BYTES = 64L << 20;

    private final AtomicFileOutput out;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final SearchParams overrides;

    FaissOutput(AtomicFileOutput out, SearchParams overrides) {
        this.out = out;
        this.overrides = overrides;
    }

    /** Search parameters to store instead of the index's own (unset ones: the index's). */
    public SearchParams overrides() {
        return overrides;
    }

    /** Writes {@code index} with the format that handles its class (recursively for parts). */
    public void writeIndex(Index index) throws IOException {
        FaissFormats.writer(index).write(index, this);
    }

    private void room(int bytes) throws IOException {
        if (buffer.remaining() < bytes) flush();
    }

    void flush() throws IOException {
        buffer.flip();
        out.write(buffer);
        buffer.clear();
    }

    public void writeFourcc(String fourcc) throws IOException {
        byte[] b = fourcc.getBytes(StandardCharsets.ISO_8859_1);
        if (b.length != 4) throw new IllegalArgumentException("a fourcc has 4 characters: '" + fourcc + "'");
        room(4);
        buffer.put(b);
    }

    public void writeInt(int v) throws IOException {
        room(4);
        buffer.putInt(v);
    }

    public void writeLong(long v) throws IOException {
        room(8);
        buffer.putLong(v);
    }

    public void writeFloat(float v) throws IOException {
        room(4);
        buffer.putFloat(v);
    }

    public void writeBool(boolean v) throws IOException {
        room(1);
        buffer.put((byte) (v ? 1 : 0));
    }

    public void writeByte(byte v) throws IOException {
        room(1);
        buffer.put(v);
    }

    /**
     * Writes the bytes of {@code segment} as they are. Off-heap vectors and codes are in native
     * order, which is little-endian on every platform komsu runs on.
     */
    public void writeBytes(MemorySegment segment) throws IOException {
        flush();
        for (long off = 0; off < segment.byteSize(); off += CHUNK_BYTES) {
            out.write(segment.asSlice(off, Math.min(CHUNK_BYTES, segment.byteSize() - off)).asByteBuffer());
        }
    }

    /** A faiss vector of int64: the count as size_t, then the values. */
    public void writeLongVector(long[] values) throws IOException {
        writeLong(values.length);
        for (long v : values) writeLong(v);
    }

    /** A faiss vector of int32: the count as size_t, then the values. */
    public void writeIntVector(int[] values) throws IOException {
        writeLong(values.length);
        for (int v : values) writeInt(v);
    }

    /** A faiss vector of double: the count as size_t, then the values. */
    public void writeDoubleVector(double[] values) throws IOException {
        writeLong(values.length);
        for (double v : values) {
            room(8);
            buffer.putDouble(v);
        }
    }
}
