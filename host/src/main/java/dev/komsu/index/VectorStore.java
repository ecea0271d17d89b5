package dev.komsu.index;

import dev.komsu.kernels.BaseNorms;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.HugePages;
import dev.komsu.kernels.KernelChecks;
import dev.komsu.kernels.Metric;
import java.lang.foreign.MemorySegment;

/**
 * Growable off-heap storage of float vectors, appended in batches. Capacity doubles, so adding
 * N rows copies O(N) in all. It may start as a view of memory owned elsewhere (a mapped faiss
 * file); the first append then copies it into memory of its own. It also keeps the rows' centre
 * and norms the dense kernel takes ({@link #norms}).
 */
final class VectorStore implements AutoCloseable {
    private final int dim;
    private FloatMatrix buffer; // capacity rows; the first `size` are live
    private long size;
    /**
     * The stored vectors' centre and norms for the dense kernel: made by the first search,
     * extended after an append (earlier rows never change), dropped by {@link #clear}. Kept in
     * memory only, as faiss keeps its norms out of the file. Null until needed.
     */
    private volatile BaseNorms norms;
    /** Rows when a projection was last tried and did not pay (0: never tried); see {@link #norms}. */
    private long projectionTried;

    VectorStore(int dim) {
        this.dim = dim;
        this.buffer = FloatMatrix.allocate(0, dim);
    }

    /** Starts from {@code initial}, which this store takes ownership of (closes it later). */
    VectorStore(FloatMatrix initial) {
        this.dim = initial.cols();
        this.buffer = initial;
        this.size = initial.rows();
    }

    long size() {
        return size;
    }

    void append(FloatMatrix xs) {
        ensureCapacity(size + xs.rows());
        MemorySegment.copy(xs.segment(), 0, buffer.segment(), buffer.rowOffset(size), xs.segment().byteSize());
        size += xs.rows();
    }

    /**
     * Removes the rows {@code selected} picks and moves the rest up in order (faiss's
     * IndexFlatCodes::remove_ids): row numbers after a removed row drop. Returns the count.
     */
    long removeRows(java.util.function.LongPredicate selected) {
        long kept = 0;
        long rowBytes = (long) dim * Float.BYTES;
        for (long i = 0; i < size; i++) {
            if (selected.test(i)) continue;
            if (kept != i) {
                ensureCapacity(size); // a mapped file's rows are copied before they move
                MemorySegment.copy(buffer.segment(), buffer.rowOffset(i), buffer.segment(), buffer.rowOffset(kept), rowBytes);
            }
            kept++;
        }
        long removed = size - kept;
        if (removed > 0) {
            size = kept;
            norms = null;
            projectionTried = 0;
        }
        return removed;
    }

    private void ensureCapacity(long rows) {
        // A read-only buffer is a mapped index file: copy it before writing, like a view.
        if (rows <= buffer.rows() && buffer.ownsMemory() && !buffer.segment().isReadOnly()) return;
        long capacity = Math.max(rows, Math.max(1024, buffer.rows() * 2));
        // Graph walks (HNSW) read rows in random order: huge pages spare a TLB miss per row.
        FloatMatrix bigger = HugePages.allocate(capacity, dim);
        MemorySegment.copy(buffer.segment(), 0, bigger.segment(), 0, size * dim * Float.BYTES);
        buffer.close();
        buffer = bigger;
    }

    /** The live rows as a view (valid until the next append or close). */
    FloatMatrix view() {
        return buffer.rowRange(0, size);
    }

    /**
     * The live rows' norms for {@code metric}, made or extended under a lock (searches may race
     * here); null when the rows are too many to keep norms for, or the metric uses none.
     */
    BaseNorms norms(Metric metric) {
        if (metric.isElementwise()) return null; // L1 and L-infinity have no norm expansion
        FloatMatrix view = view();
        BaseNorms n = norms;
        if (n != null && n.fits(view, metric)) return n;
        if (!KernelChecks.normsFit(view)) return null;
        synchronized (this) {
            n = norms;
            if (n == null || n.rows() > view.rows()) n = BaseNorms.of(view, metric);
            else if (!n.fits(view, metric)) n = n.extendedTo(view);
            // The projection (pruned L2 search) is fitted once and then extended with the rows;
            // where it did not pay it is tried again only once the rows have doubled.
            if (n.projection() == null && view.rows() >= 2 * projectionTried) {
                n = n.withProjection(view);
                projectionTried = view.rows();
            }
            norms = n;
            return n;
        }
    }

    void clear() {
        norms = null;
        projectionTried = 0;
        size = 0;
    }

    @Override
    public void close() {
        buffer.close();
    }
}
