package dev.komsu.kernels.opencl;

import dev.komsu.kernels.BlockCodeLists;
import dev.komsu.kernels.FastScanKernels;

/**
 * 4-bit FastScan block lists resident on a device as one concatenated store (the layout of
 * {@code fastscan.cl}): list l starts at block {@code blockOffsets[l]}; its ids sit at vector
 * {@code 32 * blockOffsets[l]} of the id store; offset and size tables sit beside them.
 */
final class DeviceBlockLists implements AutoCloseable {
    final ClBuffer codes;
    final ClBuffer ids;
    final ClBuffer listBlock;
    final ClBuffer listSize;

    private DeviceBlockLists(ClBuffer codes, ClBuffer ids, ClBuffer listBlock, ClBuffer listSize) {
        this.codes = codes;
        this.ids = ids;
        this.listBlock = listBlock;
        this.listSize = listSize;
    }

    /** Block offset of each list in the concatenated store; entry listCount is the total block count. */
    static long[] blockOffsets(BlockCodeLists lists) {
        long[] off = new long[lists.listCount() + 1];
        for (int l = 0; l < lists.listCount(); l++) off[l + 1] = off[l] + blocks(lists.size(l));
        return off;
    }

    static long blocks(long vectors) {
        return (vectors + FastScanKernels.BLOCK - 1) / FastScanKernels.BLOCK;
    }

    /** Bytes of the largest buffer an upload allocates (the codes or the ids). */
    static long largestBuffer(BlockCodeLists lists) {
        long blocks = blockOffsets(lists)[lists.listCount()];
        return Math.max(blocks * FastScanKernels.KSUB * lists.m2(), blocks * FastScanKernels.BLOCK * Long.BYTES);
    }

    static DeviceBlockLists upload(ClRuntime rt, BlockCodeLists lists) {
        int nlist = lists.listCount();
        long[] off = blockOffsets(lists);
        long blockBytes = (long) FastScanKernels.KSUB * lists.m2();
        long[] sizes = DeviceArrays.listSizes(nlist, lists::size);
        ClBuffer codes = null;
        ClBuffer ids = null;
        ClBuffer listBlock = null;
        ClBuffer listSize = null;
        try {
            codes = rt.allocate(off[nlist] * blockBytes);
            ids = rt.allocate(off[nlist] * FastScanKernels.BLOCK * Long.BYTES);
            for (int l = 0; l < nlist; l++) {
                long size = sizes[l];
                if (size == 0) continue;
                rt.write(codes, off[l] * blockBytes, lists.codes(l).asSlice(0, blocks(size) * blockBytes));
                rt.write(ids, off[l] * FastScanKernels.BLOCK * Long.BYTES, lists.ids(l).asSlice(0, size * Long.BYTES));
            }
            listBlock = DeviceArrays.uploadPerList(rt, off, nlist);
            listSize = DeviceArrays.uploadPerList(rt, sizes, nlist);
            return new DeviceBlockLists(codes, ids, listBlock, listSize);
        } catch (RuntimeException e) {
            for (ClBuffer b : new ClBuffer[] {codes, ids, listBlock, listSize}) {
                if (b != null) b.close();
            }
            throw e;
        }
    }

    @Override
    public void close() {
        codes.close();
        ids.close();
        listBlock.close();
        listSize.close();
    }
}
