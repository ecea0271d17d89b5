package dev.komsu.kernels.opencl;

import dev.komsu.kernels.BlockCodeLists;
import dev.komsu.kernels.CodeLists;
import dev.komsu.kernels.FastScanKernels;
import dev.komsu.kernels.VectorLists;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.IntFunction;
import java.util.function.IntToLongFunction;

/**
 * Inverted lists resident on a device as one concatenated store, like faiss's GPU IVF: list l
 * starts at row {@code rowOffsets[l]}, a multiple of the layout's block, in {@code data}; its ids
 * sit at the same row positions of {@code ids}; {@code offsets} holds the list starts (in the
 * layout's offset unit) and {@code sizes} the list sizes. Every list-scan kernel takes the store as its first four arguments
 * ({@link #args}). What differs between IVF-Flat, PQ/SQ8 and FastScan lists is the {@link Layout}.
 */
record DeviceListStore(ClBuffer data, ClBuffer ids, ClBuffer offsets, ClBuffer sizes) implements AutoCloseable {
    /** How a layout puts one list's rows into the store. */
    enum Arrange {
        /** Row-major rows copied as they are. */
        AS_IS,
        /** The host's blocks copied as they are, the last one whole (FastScan's 32-vector blocks). */
        HOST_BLOCKS,
        /** Byte b of row r at {@code (r / block) * block * rowBytes + b * block + r % block}, done on the host. */
        INTERLEAVE_BYTES,
        /** Float rows blocked dimension-major on the device after the upload ({@code layout.cl}). */
        BLOCK_FLOATS
    }

    /**
     * The layout hook: rows per block (lists start at multiples of it), bytes per row, the unit of
     * the list-start table the kernels read (1: rows; FastScan: 32-vector blocks), how rows are
     * arranged.
     */
    record Layout(int block, long rowBytes, int offsetUnit, Arrange arrange) {
        /** IVF-Flat lists ({@code scan_flat.cl}): float rows, blocked on the device when {@code block > 1}. */
        static Layout vectors(int dim, int block) {
            return new Layout(block, (long) dim * Float.BYTES, 1, block == 1 ? Arrange.AS_IS : Arrange.BLOCK_FLOATS);
        }

        /** PQ / SQ8 code lists ({@code scan_pq*.cl}, {@code scan_sq8*.cl}): consecutive rows' bytes interleaved per block. */
        static Layout codes(int codeSize, int block) {
            return new Layout(block, codeSize, 1, block == 1 ? Arrange.AS_IS : Arrange.INTERLEAVE_BYTES);
        }

        /** FastScan block lists ({@code fastscan.cl}): the host's 32-vector blocks of {@code 16 * m2} bytes. */
        static Layout fastScan(int m2) {
            return new Layout(FastScanKernels.BLOCK, (long) m2 * FastScanKernels.KSUB / FastScanKernels.BLOCK,
                    FastScanKernels.BLOCK, Arrange.HOST_BLOCKS);
        }
    }

    /** The host lists as the store reads them: sizes, row data and ids of each list. */
    record HostLists(int listCount, IntToLongFunction size, IntFunction<MemorySegment> data, IntFunction<MemorySegment> ids) {
        static HostLists of(VectorLists l) {
            return new HostLists(l.listCount(), l::size, l::vectors, l::ids);
        }

        static HostLists of(CodeLists l) {
            return new HostLists(l.listCount(), l::size, l::codes, l::ids);
        }

        static HostLists of(BlockCodeLists l) {
            return new HostLists(l.listCount(), l::size, l::codes, l::ids);
        }
    }

    /** Kernel arguments starting with the store: data, ids, list starts, list sizes. */
    ClRuntime.Args args() {
        return new ClRuntime.Args().buffer(data).buffer(ids).buffer(offsets).buffer(sizes);
    }

    /** Row offsets of each list; entry listCount is the total row count (padding included). */
    static long[] rowOffsets(HostLists lists, Layout layout) {
        return DeviceMatrix.blockRowOffsets(lists.listCount(), lists.size(), layout.block());
    }

    /** Bytes of the largest buffer an upload allocates (data or ids), to compare with the device's allocation limit. */
    static long largestBuffer(HostLists lists, Layout layout) {
        long rows = rowOffsets(lists, layout)[lists.listCount()];
        return rows * Math.max(layout.rowBytes(), Long.BYTES);
    }

    static DeviceListStore upload(ClRuntime rt, HostLists lists, Layout layout) {
        int nlist = lists.listCount();
        long[] off = rowOffsets(lists, layout);
        long total = off[nlist];
        long rowBytes = layout.rowBytes();
        long[] starts = new long[nlist];
        long[] sizes = new long[nlist];
        ClBuffer data = null;
        ClBuffer ids = null;
        ClBuffer offsets = null;
        ClBuffer sizeTable = null;
        try {
            data = rt.allocate(total * rowBytes);
            ids = rt.allocate(total * Long.BYTES);
            for (int l = 0; l < nlist; l++) {
                long size = lists.size().applyAsLong(l);
                sizes[l] = size;
                starts[l] = off[l] / layout.offsetUnit();
                if (size == 0) continue;
                long rows = layout.arrange() == Arrange.HOST_BLOCKS ? DeviceMatrix.roundUp(size, layout.block()) : size;
                MemorySegment src = lists.data().apply(l).asSlice(0, rows * rowBytes);
                if (layout.arrange() == Arrange.INTERLEAVE_BYTES) {
                    writeInterleaved(rt, data, off[l] * rowBytes, src, size, (int) rowBytes, layout.block());
                } else {
                    rt.write(data, off[l] * rowBytes, src);
                }
                rt.write(ids, off[l] * Long.BYTES, lists.ids().apply(l).asSlice(0, size * Long.BYTES));
            }
            offsets = DeviceArrays.uploadPerList(rt, starts, nlist);
            sizeTable = DeviceArrays.uploadPerList(rt, sizes, nlist);
            if (layout.arrange() == Arrange.BLOCK_FLOATS) {
                ClBuffer blocked = DeviceMatrix.toBlocked(rt, data, total, (int) (rowBytes / Float.BYTES), layout.block());
                data.close();
                data = blocked;
            }
            return new DeviceListStore(data, ids, offsets, sizeTable);
        } catch (RuntimeException e) {
            for (ClBuffer b : new ClBuffer[] {data, ids, offsets, sizeTable}) {
                if (b != null) b.close();
            }
            throw e;
        }
    }

    // Interleaves one list into blocks of `block` rows on the host (bytes have no device layout
    // kernel; this runs once per upload) and writes it at byte `at` of the store.
    private static void writeInterleaved(ClRuntime rt, ClBuffer dst, long at, MemorySegment src, long size, int cs, int block) {
        long padded = DeviceMatrix.roundUp(size, block);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment tmp = arena.allocate(padded * cs);
            for (long r = 0; r < size; r++) {
                long base = (r / block) * block * cs + r % block;
                for (int b = 0; b < cs; b++) {
                    tmp.set(ValueLayout.JAVA_BYTE, base + (long) b * block, src.get(ValueLayout.JAVA_BYTE, r * cs + b));
                }
            }
            rt.write(dst, at, tmp);
        }
    }

    @Override
    public void close() {
        data.close();
        ids.close();
        offsets.close();
        sizes.close();
    }
}
