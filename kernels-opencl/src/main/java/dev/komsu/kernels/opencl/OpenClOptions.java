package dev.komsu.kernels.opencl;

/**
 * Tuning knobs of the OpenCL backend. The defaults suit a discrete GPU; the CPU-device kernels
 * ignore the work-group settings.
 *
 * @param shape which kernel family runs: work-group kernels (GPU shape) or per-work-item kernels
 *     (CPU-device shape); AUTO picks by device type
 * @param workGroupSize work-items per group for knn (a multiple of {@link #BLOCK})
 * @param listWorkGroupSize work-items per group for list scans: RVC-sized IVF lists hold ~100
 *     vectors (200k / 2048 lists), so a 256-wide group would idle most of its lanes
 * @param maxQueriesPerGroup queries sharing one pass over the base in knn (a power of two up to
 *     16; fewer when local memory is short): each base value loaded feeds that many FMAs, so
 *     this sets the arithmetic intensity of Flat search (see bench/GPU.md)
 * @param maxDeviceK largest k searched on the device; larger k goes to the CPU backend
 */
public record OpenClOptions(Shape shape, int workGroupSize, int listWorkGroupSize, int maxQueriesPerGroup,
                            int maxDeviceK) {
    /** Rows per block of the GPU layout: one warp of 32 threads reads 32 consecutive floats. */
    public static final int BLOCK = 32;

    public enum Shape {
        AUTO, WORK_GROUP, PER_ITEM
    }

    public OpenClOptions {
        java.util.Objects.requireNonNull(shape, "shape");
        if (workGroupSize < BLOCK || workGroupSize % BLOCK != 0) {
            throw new IllegalArgumentException("workGroupSize must be a positive multiple of " + BLOCK + ", got " + workGroupSize);
        }
        if (listWorkGroupSize < BLOCK || listWorkGroupSize % BLOCK != 0) {
            throw new IllegalArgumentException("listWorkGroupSize must be a positive multiple of " + BLOCK + ", got " + listWorkGroupSize);
        }
        if (maxQueriesPerGroup <= 0 || maxQueriesPerGroup > 16 || Integer.bitCount(maxQueriesPerGroup) != 1) {
            throw new IllegalArgumentException("maxQueriesPerGroup must be 1, 2, 4, 8 or 16, got " + maxQueriesPerGroup);
        }
        if (maxDeviceK <= 0) throw new IllegalArgumentException("maxDeviceK must be > 0, got " + maxDeviceK);
    }

    /**
     * 128-wide knn groups, 64-wide list groups, up to 8 queries per group (8 x 768-d queries and
     * their k=8 top-k take 38 KiB, inside the 48 KiB of local memory most GPUs give a group), k up
     * to 1024.
     */
    public static OpenClOptions defaults() {
        return new OpenClOptions(Shape.AUTO, 128, 64, 8, 1024);
    }

    public OpenClOptions withShape(Shape s) {
        return new OpenClOptions(s, workGroupSize, listWorkGroupSize, maxQueriesPerGroup, maxDeviceK);
    }

    public OpenClOptions withMaxDeviceK(int k) {
        return new OpenClOptions(shape, workGroupSize, listWorkGroupSize, maxQueriesPerGroup, k);
    }

    public OpenClOptions withWorkGroupSizes(int knn, int lists) {
        return new OpenClOptions(shape, knn, lists, maxQueriesPerGroup, maxDeviceK);
    }
}
