package dev.komsu.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The per-row steps of {@link LutQuantizer}: minimum, maximum and rounding of one sub-quantiser's
 * table (16 floats for FastScan), with the Vector API and a scalar twin of each that defines the
 * result. They are a tenth of FastScan search time when written as scalar loops (C2 does not
 * vectorise a NaN-skipping minimum), so the vector forms matter; they return bit for bit what
 * the scalar ones do (LutRowsTest).
 */
final class LutRows {
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = FLOATS.length();
    // as many byte lanes as float lanes: the rounded row leaves in a vector a quarter as wide
    private static final VectorSpecies<Byte> BYTES = VectorSpecies.of(byte.class, VectorShape.forBitSize(LANES * Byte.SIZE));

    private LutRows() {
    }

    // min and max are written out separately: the Vector API intrinsics want a constant operator,
    // and one shared reduction taking MIN or MAX as a parameter ran as Java code (JFR: 3% of an
    // rvc256 search in FloatVector.lanewiseTemplate/rOpTemplate).

    /**
     * The smallest entry of {@code t[from, from+n)}, NaN entries skipped (faiss: the tables of
     * missing probes are NaN), +inf when there is none.
     */
    static float min(float[] t, int from, int n) {
        int upper = FLOATS.loopBound(n);
        if (upper == 0) return minScalar(t, from, n);
        FloatVector acc = FloatVector.fromArray(FLOATS, t, from);
        for (int i = LANES; i < upper; i += LANES) acc = acc.min(FloatVector.fromArray(FLOATS, t, from + i));
        float v = acc.reduceLanes(VectorOperators.MIN);
        for (int i = upper; i < n; i++) v = Math.min(v, t[from + i]);
        // The vector minimum lets NaN through and orders -0.0 below +0.0, where the scalar
        // loop skips NaN and keeps the first zero: redo those rare rows the scalar way.
        return Float.isNaN(v) || v == 0.0f ? minScalar(t, from, n) : v;
    }

    /** The largest entry of {@code t[from, from+n)}, NaN entries skipped, -inf when there is none. */
    static float max(float[] t, int from, int n) {
        int upper = FLOATS.loopBound(n);
        if (upper == 0) return maxScalar(t, from, n);
        FloatVector acc = FloatVector.fromArray(FLOATS, t, from);
        for (int i = LANES; i < upper; i += LANES) acc = acc.max(FloatVector.fromArray(FLOATS, t, from + i));
        float v = acc.reduceLanes(VectorOperators.MAX);
        for (int i = upper; i < n; i++) v = Math.max(v, t[from + i]);
        return Float.isNaN(v) || v == 0.0f ? maxScalar(t, from, n) : v;
    }

    /**
     * {@code out[outFrom + i] = (byte) floor((t[from + i] - min) * a + 0.5)}: faiss's
     * {@code round_tab}. The argument of floor is never negative (min is the row's minimum,
     * a >= 0), so the vector form truncates instead, exactly as the float-to-byte cast does.
     */
    static void round(float[] t, int from, int n, float a, float min, byte[] out, int outFrom) {
        if (Float.isNaN(min) || Float.isInfinite(min)) {
            roundScalar(t, from, n, a, min, out, outFrom);
            return;
        }
        int upper = FLOATS.loopBound(n);
        for (int i = 0; i < upper; i += LANES) {
            FloatVector x = FloatVector.fromArray(FLOATS, t, from + i).sub(min).mul(a).add(0.5f);
            ((ByteVector) x.convertShape(VectorOperators.F2B, BYTES, 0)).intoArray(out, outFrom + i);
        }
        for (int i = upper; i < n; i++) out[outFrom + i] = roundToByte(t[from + i], min, a);
    }

    static float minScalar(float[] t, int from, int n) {
        float v = Float.POSITIVE_INFINITY;
        for (int i = from; i < from + n; i++) if (t[i] < v) v = t[i];
        return v;
    }

    static float maxScalar(float[] t, int from, int n) {
        float v = Float.NEGATIVE_INFINITY;
        for (int i = from; i < from + n; i++) if (t[i] > v) v = t[i];
        return v;
    }

    static void roundScalar(float[] t, int from, int n, float a, float min, byte[] out, int outFrom) {
        for (int i = 0; i < n; i++) out[outFrom + i] = roundToByte(t[from + i], min, a);
    }

    // floorf((t - min) * a + 0.5): float product, exact +0.5, as faiss's round_tab.
    static float roundToInt(float t, float min, float a) {
        return (float) Math.floor((t - min) * a + 0.5f);
    }

    private static byte roundToByte(float t, float min, float a) {
        return (byte) (int) roundToInt(t, min, a);
    }
}
