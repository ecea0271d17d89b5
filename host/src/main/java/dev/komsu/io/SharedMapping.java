package dev.komsu.io;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The file's bytes in memory (a copy, or a mapping on request) shared by the parts of an index read from it (the vectors of a Flat index,
 * the inverted lists of an IVF index, ...). Each part that keeps a view gets its own
 * {@link #handle()}, an {@link Arena} whose close releases only that part's claim; the mapping
 * is unmapped when the last claim is released, so every part can be closed in any order and
 * the memory still has exactly one owner.
 */
final class SharedMapping {
    private final Arena root;
    private final AtomicInteger claims = new AtomicInteger(1); // the reader's own claim

    SharedMapping(Arena root) {
        this.root = root;
    }

    Arena root() {
        return root;
    }

    /** A new claim on the mapping, to hand to the part that keeps views of it. */
    Arena handle() {
        if (claims.getAndIncrement() <= 0) throw new IllegalStateException("the mapping is already released");
        return new Handle();
    }

    /** Releases the reader's own claim (after a successful read). */
    void releaseReader() {
        release();
    }

    /** Unmaps at once, whatever the claims (after a failed read: no part survives). */
    void forceClose() {
        claims.set(0);
        if (root.scope().isAlive()) root.close();
    }

    private void release() {
        if (claims.decrementAndGet() == 0 && root.scope().isAlive()) root.close();
    }

    private final class Handle implements Arena {
        private final AtomicBoolean closed = new AtomicBoolean();

        @Override
        public MemorySegment allocate(long byteSize, long byteAlignment) {
            return root.allocate(byteSize, byteAlignment);
        }

        @Override
        public MemorySegment.Scope scope() {
            return root.scope();
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) release();
        }
    }
}
