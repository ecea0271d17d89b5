package dev.komsu.kernels;

/**
 * The per-row steps of {@link LutQuantizer}: minimum, maximum and rounding of one sub-quantiser's
 * table. {@link #SCALAR} defines the results; a backend may hand out a faster form through
 * {@link FastScanKernels#lutQuantizer()} that returns the same bits.
 */
public interface LutRows {
    /** Plain loops: the reference every other form must match bit for bit. */
    LutRows SCALAR = new ScalarLutRows();

    /**
     * The smallest entry of {@code t[from, from+n)}, NaN entries skipped (faiss: the tables of
     * missing probes are NaN), +inf when there is none.
     */
    float min(float[] t, int from, int n);

    /** The largest entry of {@code t[from, from+n)}, NaN entries skipped, -inf when there is none. */
    float max(float[] t, int from, int n);

    /**
     * {@code out[outFrom + i] = (byte) floor((t[from + i] - min) * a + 0.5)}: faiss's
     * {@code round_tab}.
     */
    void round(float[] t, int from, int n, float a, float min, byte[] out, int outFrom);

    /** {@code floorf((t - min) * a + 0.5)}: float product, exact +0.5, as faiss's round_tab. */
    static float roundToInt(float t, float min, float a) {
        return (float) Math.floor((t - min) * a + 0.5f);
    }
}
