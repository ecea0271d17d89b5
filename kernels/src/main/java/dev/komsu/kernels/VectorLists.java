package dev.komsu.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Read-only view of a set of lists of full-precision vectors with their ids, as an IVF-Flat
 * index stores them: list {@code l} holds {@code size(l)} rows of {@code dim()} float32 values
 * in {@link #vectors} and as many int64 ids in {@link #ids}. The kernels know lists only as
 * numbers in memory; which lists mean what is the host's business.
 */
public interface VectorLists {
    int listCount();

    int dim();

    long size(int list);

    /** {@code size(list) * dim() * 4} bytes, row-major float32. */
    MemorySegment vectors(int list);

    /** {@code size(list) * 8} bytes of int64 ids. */
    MemorySegment ids(int list);
}
