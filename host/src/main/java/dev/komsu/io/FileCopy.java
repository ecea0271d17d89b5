package dev.komsu.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Copies a whole file into off-heap memory owned by an arena: faiss's default way of reading an
 * index, immune to the file changing afterwards (a mapping is not, see {@link LoadOptions}).
 */
final class FileCopy {
    /** A ByteBuffer view holds at most 2^31-1 bytes: copy in slices of 1 GiB. */
    private static final long SLICE = 1L << 30;

    private FileCopy() {
    }

    /** The bytes of {@code ch}, from its start to its size now, in memory {@code arena} owns. */
    static MemorySegment intoMemory(FileChannel ch, Path file, Arena arena) throws IOException {
        long size = ch.size();
        MemorySegment data;
        try {
            data = arena.allocate(Math.max(1, size), 64).asSlice(0, size);
        } catch (OutOfMemoryError e) {
            throw new IOException("cannot copy " + file + " (" + size + " bytes) into memory: " + e.getMessage()
                    + "; load it mapped instead (--mmap, LoadOptions.mapped())", e);
        }
        long done = 0;
        while (done < size) {
            ByteBuffer window = data.asSlice(done, Math.min(SLICE, size - done)).asByteBuffer();
            while (window.hasRemaining()) {
                int n = ch.read(window, done + window.position());
                if (n < 0) {
                    throw new IOException(file + " shrank while it was read: " + (done + window.position())
                            + " bytes read of the " + size + " it had");
                }
            }
            done += window.capacity();
        }
        return data;
    }
}
