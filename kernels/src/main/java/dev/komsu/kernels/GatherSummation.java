package dev.komsu.kernels;

/**
 * How a backend's {@link PqKernels#gatherDistances} sums one distance, so that another backend
 * (a device's refine) can sum the same way and return bit-identical results: {@code lanes}
 * partial sums over the columns {@code c mod lanes} (fused multiply-add when {@code fused}),
 * added in lane order, then the columns past the last whole group of lanes one by one.
 *
 * @param lanes partial sums (a Vector API species' lane count; 1 for a plain loop)
 * @param fused whether the partial sums use fused multiply-add
 */
public record GatherSummation(int lanes, boolean fused) {
    /** A plain loop: one sum, multiply then add, in column order. */
    public static final GatherSummation SEQUENTIAL = new GatherSummation(1, false);

    public GatherSummation {
        if (lanes <= 0) throw new IllegalArgumentException("lanes must be > 0, got " + lanes);
    }
}
