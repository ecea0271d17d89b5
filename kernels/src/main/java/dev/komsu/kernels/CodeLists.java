package dev.komsu.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Read-only view of lists of fixed-size codes with their ids, as IVF-PQ and IVF-SQ8 store them
 * (a flat-codes index is one list): list {@code l} holds {@code size(l)} codes of
 * {@link #codeSize()} bytes, back to back, and as many native-order int64 ids. Backends may keep
 * device copies of these lists; a host must not change a list while a search runs over it.
 */
public interface CodeLists {
    int listCount();

    /** Bytes per code. */
    int codeSize();

    long size(int list);

    /** {@code size(list) * codeSize()} bytes. */
    MemorySegment codes(int list);

    /** {@code size(list) * 8} bytes of int64 ids. */
    MemorySegment ids(int list);
}
