package dev.komsu.kernels.opencl;

import dev.komsu.kernels.CodeLists;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Lists of fixed-size codes (PQ, SQ8) resident on a device as one concatenated store, like
 * {@link DeviceLists} for float vectors: list l starts at row {@code offsets[l]}, a multiple of
 * {@code block}; byte b of row r lives at {@code (r / block) * block * codeSize + b * block + r % block},
 * so the work-items of a GPU group that read consecutive rows read consecutive bytes (block 1 is
 * plain row-major, for CPU devices). Ids sit at the same row positions.
 */
final class DeviceCodeLists implements AutoCloseable {
    final ClBuffer codes;
    final ClBuffer ids;
    final ClBuffer offsets;
    final ClBuffer sizes;
    final int listCount;
    final int codeSize;

    private DeviceCodeLists(ClBuffer codes, ClBuffer ids, ClBuffer offsets, ClBuffer sizes, int listCount, int codeSize) {
        this.codes = codes;
        this.ids = ids;
        this.offsets = offsets;
        this.sizes = sizes;
        this.listCount = listCount;
        this.codeSize = codeSize;
    }

    /** Kernel arguments starting with the store, as every list-scan kernel takes it: codes, ids, offsets, sizes. */
    ClRuntime.Args args() {
        return new ClRuntime.Args().buffer(codes).buffer(ids).buffer(offsets).buffer(sizes);
    }

    /** Row offsets of each list in the store; entry listCount is the total row count. */
    static long[] rowOffsets(CodeLists lists, int block) {
        return DeviceMatrix.blockRowOffsets(lists.listCount(), lists::size, block);
    }

    /** Bytes of the largest buffer of the store (codes or ids), to compare with the device's allocation limit. */
    static long largestBuffer(CodeLists lists, int block) {
        long rows = rowOffsets(lists, block)[lists.listCount()];
        return rows * Math.max(lists.codeSize(), Long.BYTES);
    }

    static DeviceCodeLists upload(ClRuntime rt, CodeLists lists, int block) {
        int nlist = lists.listCount();
        int cs = lists.codeSize();
        long[] off = rowOffsets(lists, block);
        long total = off[nlist];
        ClBuffer codes = null;
        ClBuffer ids = null;
        ClBuffer offsets = null;
        ClBuffer sizes = null;
        try {
            codes = rt.allocate(total * cs);
            ids = rt.allocate(total * Long.BYTES);
            for (int l = 0; l < nlist; l++) {
                long size = lists.size(l);
                if (size == 0) continue;
                MemorySegment src = lists.codes(l).asSlice(0, size * cs);
                if (block == 1) {
                    rt.write(codes, off[l] * cs, src);
                } else {
                    writeBlocked(rt, codes, off[l] * cs, src, size, cs, block);
                }
                rt.write(ids, off[l] * Long.BYTES, lists.ids(l).asSlice(0, size * Long.BYTES));
            }
            offsets = DeviceArrays.uploadPerList(rt, off, nlist);
            sizes = DeviceArrays.uploadPerList(rt, DeviceArrays.listSizes(nlist, lists::size), nlist);
            return new DeviceCodeLists(codes, ids, offsets, sizes, nlist, cs);
        } catch (RuntimeException e) {
            for (ClBuffer b : new ClBuffer[] {codes, ids, offsets, sizes}) {
                if (b != null) b.close();
            }
            throw e;
        }
    }

    // Interleaves one list into blocks of `block` rows on the host (bytes have no device layout
    // kernel; this runs once per upload) and writes it at byte `at` of the store.
    private static void writeBlocked(ClRuntime rt, ClBuffer dst, long at, MemorySegment src, long size, int cs, int block) {
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
        codes.close();
        ids.close();
        offsets.close();
        sizes.close();
    }
}
