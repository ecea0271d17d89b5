package dev.komsu.kernels.opencl;

import dev.komsu.kernels.FloatMatrix;
import java.util.List;

/**
 * A base matrix resident on a device in the layout of {@code layout.cl}: blocks of {@code block}
 * rows stored dimension-major (block 1 = row-major). Rows are padded to a multiple of the block.
 */
final class DeviceMatrix implements AutoCloseable {
    final ClBuffer vectors;
    final long rows;
    final int cols;
    final int block;

    private DeviceMatrix(ClBuffer vectors, long rows, int cols, int block) {
        this.vectors = vectors;
        this.rows = rows;
        this.cols = cols;
        this.block = block;
    }

    static long deviceBytes(long rows, int cols, int block) {
        return roundUp(rows, block) * cols * Float.BYTES;
    }

    static DeviceMatrix upload(ClRuntime rt, FloatMatrix m, int block) {
        long bytes = deviceBytes(m.rows(), m.cols(), block);
        ClBuffer rowMajor = rt.allocate(bytes);
        try {
            rt.write(rowMajor, 0, m.segment());
            if (block == 1) return new DeviceMatrix(rowMajor, m.rows(), m.cols(), block);
            ClBuffer blocked = toBlocked(rt, rowMajor, roundUp(m.rows(), block), m.cols(), block);
            rowMajor.close();
            return new DeviceMatrix(blocked, m.rows(), m.cols(), block);
        } catch (RuntimeException e) {
            rowMajor.close();
            throw e;
        }
    }

    /** Rearranges a padded row-major buffer into a new blocked one (the padding rows are never read). */
    static ClBuffer toBlocked(ClRuntime rt, ClBuffer rowMajor, long paddedRows, int cols, int block) {
        ClBuffer blocked = rt.allocate(rowMajor.bytes());
        try {
            var kernel = rt.kernel(List.of("topk.cl", "layout.cl"), "-DBLOCK=" + block, "to_blocked");
            rt.launch(kernel, new ClRuntime.Args().buffer(rowMajor).buffer(blocked).i64(paddedRows).i32(cols),
                    paddedRows * cols, 0);
            rt.finish();
            return blocked;
        } catch (RuntimeException e) {
            blocked.close();
            throw e;
        }
    }

    static long roundUp(long v, int multiple) {
        return (v + multiple - 1) / multiple * multiple;
    }

    /**
     * Row offsets of {@code count} lists stored back to back, each starting at a multiple of
     * {@code block} rows; entry {@code count} is the total row count.
     */
    static long[] blockRowOffsets(int count, java.util.function.IntToLongFunction size, int block) {
        long[] off = new long[count + 1];
        for (int l = 0; l < count; l++) off[l + 1] = off[l] + roundUp(size.applyAsLong(l), block);
        return off;
    }

    @Override
    public void close() {
        vectors.close();
    }
}
