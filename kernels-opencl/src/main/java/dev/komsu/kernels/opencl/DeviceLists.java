package dev.komsu.kernels.opencl;

import dev.komsu.kernels.VectorLists;

/**
 * Inverted lists resident on a device as one concatenated store (like faiss's GPU IVF): list l
 * starts at row {@code offsets[l]}, a multiple of {@code block}, in the layout of
 * {@code layout.cl}; ids sit at the same row positions; offset and size tables sit beside them.
 */
final class DeviceLists implements AutoCloseable {
    final ClBuffer vectors;
    final ClBuffer ids;
    final ClBuffer offsets;
    final ClBuffer sizes;
    final int listCount;
    final int dim;
    final int block;

    private DeviceLists(ClBuffer vectors, ClBuffer ids, ClBuffer offsets, ClBuffer sizes, int listCount, int dim, int block) {
        this.vectors = vectors;
        this.ids = ids;
        this.offsets = offsets;
        this.sizes = sizes;
        this.listCount = listCount;
        this.dim = dim;
        this.block = block;
    }

    /** Row offsets of each list in the concatenated store; entry listCount is the total row count. */
    static long[] rowOffsets(VectorLists lists, int block) {
        return DeviceMatrix.blockRowOffsets(lists.listCount(), lists::size, block);
    }

    static DeviceLists upload(ClRuntime rt, VectorLists lists, int block) {
        int nlist = lists.listCount();
        int d = lists.dim();
        long[] off = rowOffsets(lists, block);
        long total = off[nlist];
        ClBuffer rowMajor = null;
        ClBuffer vectors = null;
        ClBuffer ids = null;
        ClBuffer offsets = null;
        ClBuffer sizes = null;
        try {
            rowMajor = rt.allocate(total * d * Float.BYTES);
            ids = rt.allocate(total * Long.BYTES);
            for (int l = 0; l < nlist; l++) {
                long size = lists.size(l);
                if (size == 0) continue;
                rt.write(rowMajor, off[l] * d * Float.BYTES, lists.vectors(l).asSlice(0, size * d * Float.BYTES));
                rt.write(ids, off[l] * Long.BYTES, lists.ids(l).asSlice(0, size * Long.BYTES));
            }
            offsets = DeviceArrays.uploadPerList(rt, off, nlist);
            sizes = DeviceArrays.uploadPerList(rt, DeviceArrays.listSizes(nlist, lists::size), nlist);
            if (block == 1) {
                vectors = rowMajor;
                rowMajor = null;
            } else {
                vectors = DeviceMatrix.toBlocked(rt, rowMajor, total, d, block);
                rowMajor.close();
                rowMajor = null;
            }
            return new DeviceLists(vectors, ids, offsets, sizes, nlist, d, block);
        } catch (RuntimeException e) {
            for (ClBuffer b : new ClBuffer[] {rowMajor, vectors, ids, offsets, sizes}) {
                if (b != null) b.close();
            }
            throw e;
        }
    }

    @Override
    public void close() {
        vectors.close();
        ids.close();
        offsets.close();
        sizes.close();
    }
}
