package dev.komsu.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Read-only view of 4-bit FastScan lists in faiss's 32-vector block interleave (see
 * {@link FastScanKernels}): list {@code l} holds {@code size(l)} vectors in
 * {@code ceil(size/32)} blocks of {@code 32 * m2 / 2} bytes, and {@code size(l)} int64 ids.
 * Backends may keep device copies; a host must not change a list while a search runs over it.
 */
public interface BlockCodeLists {
    int listCount();

    /** Sub-quantisers rounded up to even (faiss's M2): a block holds {@code 16 * m2} bytes. */
    int m2();

    long size(int list);

    /** {@code ceil(size(list)/32) * 16 * m2()} bytes. */
    MemorySegment codes(int list);

    /** {@code size(list) * 8} bytes of int64 ids. */
    MemorySegment ids(int list);
}
