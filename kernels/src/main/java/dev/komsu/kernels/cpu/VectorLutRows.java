package dev.komsu.kernels.cpu;

import dev.komsu.kernels.LutRows;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The per-row steps of the lookup-table quantiser (minimum, maximum and rounding of one
 * sub-quantiser's table, 16 floats for FastScan) with the Vector API. They are a tenth of
 * FastScan search time when written as scalar loops (C2 does not vectorise a NaN-skipping
 * minimum), so the vector forms matter; they return bit for bit what {@link LutRows#SCALAR}
 * returns (VectorLutRowsTest), falling back to it for the rare rows where the vector forms differ.
 */
final class VectorLutRows implements LutRows {
    static final VectorLutRows INSTANCE = new VectorLutRows();
    /** The quantiser the Vector API FastScan kernels hand out. */
    static final dev.komsu.kernels.LutQuantizer QUANTIZER = new dev.komsu.kernels.LutQuantizer(INSTANCE);

    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = FLOATS.length();
    // as many byte lanes as float lanes: the rounded row leaves in a vector a quarter as wide
    private static final VectorSpecies<Byte> BYTES = VectorSpecies.of(byte.class, VectorShape.forBitSize(LANES * Byte.SIZE));

    private VectorLutRows() {
    }

    // min and max are written out separately: the Vector API intrinsics want a constant operator,
    // and one shared reduction taking MIN or MAX as a parameter ran as Java code (JFR: 3% of an
    // rvc256 search in FloatVector.lanewiseTemplate/rOpTemplate).

    /**
     * The smallest entry of {@code t[from, from+n)}, NaN entries skipped (faiss: the tables of
     * missing probes are NaN), +inf when there is none.
     */
    @Override
    public float min(float[] t, int from, int n) {
        int upper = FLOATS.loopBound(n);
        if (upper == 0) return SCALAR.min(t, from, n);
        FloatVector acc = FloatVector.fromArray(FLOATS, t, from);
        for (int i = LANES; i < upper; i += LANES) acc = acc.min(FloatVector.fromArray(FLOATS, t, from + i));
        float v = acc.reduceLanes(VectorOperators.MIN);
        for (int i = upper; i < n; i++) v = Math.min(v, t[from + i]);
        // The vector minimum lets NaN through and orders -0.0 below +0.0, where the scalar
        // loop skips NaN and keeps the first zero: redo those rare rows the scalar way.
        return Float.isNaN(v) || v == 0.0f ? SCALAR.min(t, from, n) : v;
    }

    /** The largest entry of {@code t[from, from+n)}, NaN entries skipped, -inf when there is none. */
    @Override
    public float max(float[] t, int from, int n) {
        int upper = FLOATS.loopBound(n);
        if (upper == 0) return SCALAR.max(t, from, n);
        FloatVector acc = FloatVector.fromArray(FLOATS, t, from);
        for (int i = LANES; i < upper; i += LANES) acc = acc.max(FloatVector.fromArray(FLOATS, t, from + i));
        float v = acc.reduceLanes(VectorOperators.MAX);
        for (int i = upper; i < n; i++) v = Math.max(v, t[from + i]);
        return Float.isNaN(v) || v == 0.0f ? SCALAR.max(t, from, n) : v;
    }

    /**
     * {@code out[outFrom + i] = (byte) floor((t[from + i] - min) * a + 0.5)}: faiss's
     * {@code round_tab}. The argument of floor is never negative (min is the row's minimum,
     * a >= 0), so the vector form truncates instead, exactly as the float-to-byte cast does.
     */
    @Override
    public void round(float[] t, int from, int n, float a, float min, byte[] out, int outFrom) {
        if (Float.isNaN(min) || Float.isInfinite(min)) {
            SCALAR.round(t, from, n, a, min, out, outFrom);
            return;
        }
        int upper = FLOATS.loopBound(n);
        for (int i = 0; i < upper; i += LANES) {
            FloatVector x = FloatVector.fromArray(FLOATS, t, from + i).sub(min).mul(a).add(0.5f);
            ((ByteVector) x.convertShape(VectorOperators.F2B, BYTES, 0)).intoArray(out, outFrom + i);
        }
        for (int i = upper; i < n; i++) out[outFrom + i] = (byte) (int) LutRows.roundToInt(t[from + i], min, a);
    }
}
