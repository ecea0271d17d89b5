package dev.komsu.kernels;

/**
 * Quantises float PQ lookup tables to the uint8 tables FastScan adds up in 16 bits, with
 * faiss's scale/bias scheme (faiss {@code quantize_lut::quantize_LUT_and_bias}), so the uint16
 * distances, and the float distances recovered as {@code key / a + b}, track faiss's.
 *
 * <p>For each sub-quantiser m the table is shifted by its minimum; one scale {@code a} for the
 * whole query makes the widest table span 255 and the widest possible sum (all spans plus the
 * bias span) at most 65535, so the 16-bit accumulators never wrap. {@code b} is the sum of
 * the minima (plus the smallest bias). Entries round as {@code floor((t - min) * a + 0.5)}.
 * Inner-product tables are quantised the same way (faiss does not negate them): larger uint16
 * sums are larger inner products, and {@code key / a + b} converts back in both cases.
 */
public final class LutQuantizer {
    /** The quantiser over {@link LutRows#SCALAR}. */
    public static final LutQuantizer SCALAR = new LutQuantizer(LutRows.SCALAR);

    private final LutRows rows;

    /** A quantiser whose per-row steps are {@code rows} (they must return {@link LutRows#SCALAR}'s bits). */
    public LutQuantizer(LutRows rows) {
        this.rows = java.util.Objects.requireNonNull(rows, "rows");
    }

    /** The per-query scale and offset: float distance = uint16 distance / a + b. */
    public record Scale(float a, float b) {
    }

    /**
     * One table per query, no bias (IVF without residuals, or a flat FastScan index with
     * faiss's IVF rounding): {@code lut} holds {@code m * ksub} floats; {@code out} receives
     * {@code m2 * ksub} bytes, the rows m..m2-1 zero.
     */
    public Scale quantize(float[] lut, int m, int ksub, int m2, byte[] out, int outOffset) {
        check(lut, m, ksub, m2);
        float[] mins = new float[m];
        float maxSpanLut = Float.NEGATIVE_INFINITY;
        float maxSpanDis = 0;
        float b = 0;
        for (int i = 0; i < m; i++) {
            mins[i] = min(lut, i * ksub, ksub);
            float span = max(lut, i * ksub, ksub) - mins[i];
            maxSpanLut = Math.max(maxSpanLut, span);
            maxSpanDis += span;
            b += mins[i];
        }
        float a = scale(maxSpanLut, maxSpanDis);
        for (int i = 0; i < m; i++) round(lut, i * ksub, ksub, a, mins[i], out, outOffset + i * ksub);
        java.util.Arrays.fill(out, outOffset + m * ksub, outOffset + m2 * ksub, (byte) 0);
        return new Scale(a, b);
    }

    /**
     * faiss's {@code round_uint8_per_column}, used by the flat IndexPQFastScan: every table
     * shifted by its minimum and scaled by {@code a = 255 / widest span} (no 16-bit cap: the
     * M tables of a flat index stay far below 65535 for M up to 257).
     */
    public Scale quantizePerColumn(float[] lut, int m, int ksub, int m2, byte[] out, int outOffset) {
        check(lut, m, ksub, m2);
        float[] mins = new float[m];
        float maxSpan = 0;
        for (int i = 0; i < m; i++) {
            mins[i] = min(lut, i * ksub, ksub);
            float span = max(lut, i * ksub, ksub) - mins[i];
            if (span > maxSpan) maxSpan = span;
        }
        float a = maxSpan > 0 ? 255.0f / maxSpan : 0.0f;
        float b = 0;
        for (int i = 0; i < m; i++) {
            b += mins[i];
            round(lut, i * ksub, ksub, a, mins[i], out, outOffset + i * ksub);
        }
        java.util.Arrays.fill(out, outOffset + m * ksub, outOffset + m2 * ksub, (byte) 0);
        return new Scale(a, b);
    }

    /**
     * One table per probed list plus one bias per list (IVF with residuals and L2: tables
     * {@code lut[p*m*ksub ..]} for probe p, biases the query-to-centroid distances), faiss's
     * "3-D" case: one scale for all probes; each probe's minima and bias fold into its uint16
     * bias {@code biasOut[p]}, measured from the smallest such total {@code b}.
     */
    public Scale quantizeWithBias(float[] lut, float[] bias, int nprobe, int m, int ksub, int m2,
                                         byte[] out, int[] biasOut) {
        if (lut.length < nprobe * m * ksub) {
            throw new IllegalArgumentException("lookup tables hold " + lut.length + " floats, expected nprobe*m*ksub = "
                    + nprobe * m * ksub);
        }
        if (bias.length < nprobe || biasOut.length < nprobe || out.length < nprobe * m2 * ksub) {
            throw new IllegalArgumentException("bias/output arrays too short for nprobe=" + nprobe);
        }
        float[] mins = new float[nprobe * m];
        float[] bias2 = new float[nprobe];
        float biasMin = Float.POSITIVE_INFINITY;
        for (int j = 0; j < nprobe; j++) if (bias[j] < biasMin) biasMin = bias[j];
        float maxSpanLut = Float.NEGATIVE_INFINITY;
        float maxSpanDis = Float.NEGATIVE_INFINITY;
        float b = Float.POSITIVE_INFINITY;
        for (int j = 0, ij = 0; j < nprobe; j++) {
            float spanDisJ = bias[j] - biasMin;
            float b2j = bias[j];
            for (int i = 0; i < m; i++, ij++) {
                mins[ij] = min(lut, ij * ksub, ksub);
                float span = max(lut, ij * ksub, ksub) - mins[ij];
                maxSpanLut = Math.max(maxSpanLut, span);
                spanDisJ += span;
                b2j += mins[ij];
            }
            maxSpanDis = Math.max(maxSpanDis, spanDisJ);
            bias2[j] = b2j;
            b = Math.min(b, b2j);
        }
        float a = scale(maxSpanLut, maxSpanDis);
        for (int j = 0, ij = 0; j < nprobe; j++) {
            int base = j * m2 * ksub;
            for (int i = 0; i < m; i++, ij++) round(lut, ij * ksub, ksub, a, mins[ij], out, base + i * ksub);
            java.util.Arrays.fill(out, base + m * ksub, base + m2 * ksub, (byte) 0);
            biasOut[j] = (int) roundToInt(bias2[j], b, a) & 0xffff;
        }
        return new Scale(a, b);
    }

    /**
     * One table for all probed lists plus one bias per list (IVF by residual with inner
     * product: the table holds {@code <q, r>}, the biases the coarse inner products
     * {@code <q, c>}), faiss's 2-D case with bias: the spread of the biases joins the 16-bit
     * bound, {@code b} is the sum of the minima plus the smallest bias, and
     * {@code biasOut[p] = round((bias[p] - smallest bias) * a)}. {@code out} receives
     * {@code m2 * ksub} bytes from {@code outOffset}, the rows m..m2-1 zero. NaN biases (missing
     * probes) are ignored, as faiss's table minimum and maximum ignore them.
     */
    public Scale quantizeSharedWithBias(float[] lut, float[] bias, int nprobe, int m, int ksub, int m2,
                                               byte[] out, int outOffset, int[] biasOut) {
        check(lut, m, ksub, m2);
        if (nprobe <= 0 || bias.length < nprobe || biasOut.length < nprobe) {
            throw new IllegalArgumentException("bias arrays hold " + Math.min(bias.length, biasOut.length)
                    + " entries, expected nprobe = " + nprobe + " > 0");
        }
        float biasMin = min(bias, 0, nprobe);
        float[] mins = new float[m];
        float maxSpanLut = Float.NEGATIVE_INFINITY;
        float maxSpanDis = max(bias, 0, nprobe) - biasMin;
        float b = 0;
        for (int i = 0; i < m; i++) {
            mins[i] = min(lut, i * ksub, ksub);
            float span = max(lut, i * ksub, ksub) - mins[i];
            maxSpanLut = Math.max(maxSpanLut, span);
            maxSpanDis += span;
            b += mins[i];
        }
        float a = scale(maxSpanLut, maxSpanDis);
        b += biasMin;
        for (int i = 0; i < m; i++) round(lut, i * ksub, ksub, a, mins[i], out, outOffset + i * ksub);
        java.util.Arrays.fill(out, outOffset + m * ksub, outOffset + m2 * ksub, (byte) 0);
        for (int j = 0; j < nprobe; j++) biasOut[j] = (int) roundToInt(bias[j], biasMin, a) & 0xffff;
        return new Scale(a, b);
    }

    private static void check(float[] lut, int m, int ksub, int m2) {
        if (m <= 0 || ksub <= 0 || m2 < m) {
            throw new IllegalArgumentException("bad table shape m=" + m + " ksub=" + ksub + " m2=" + m2);
        }
        if (lut.length < m * ksub) {
            throw new IllegalArgumentException("lookup table holds " + lut.length + " floats, expected m*ksub = " + m * ksub);
        }
    }

    // faiss: min(255 / widest table span, 65535 / widest total span); 0 when everything is flat.
    private static float scale(float maxSpanLut, float maxSpanDis) {
        float a = Math.min(maxSpanLut > 0 ? 255.0f / maxSpanLut : Float.POSITIVE_INFINITY,
                maxSpanDis > 0 ? 65535.0f / maxSpanDis : Float.POSITIVE_INFINITY);
        return Float.isFinite(a) ? a : 0.0f;
    }

    private float min(float[] t, int from, int n) {
        return rows.min(t, from, n);
    }

    private float max(float[] t, int from, int n) {
        return rows.max(t, from, n);
    }

    private static float roundToInt(float t, float min, float a) {
        return LutRows.roundToInt(t, min, a);
    }

    private void round(float[] t, int from, int n, float a, float min, byte[] out, int outFrom) {
        rows.round(t, from, n, a, min, out, outFrom);
    }
}
