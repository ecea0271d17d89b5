package dev.komsu.quant;

import dev.komsu.kernels.FloatMatrix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * faiss's ScalarQuantizer of type QT_8bit with range statistic RS_minmax (rangestat_arg 0),
 * "SQ8": each component i is mapped to one byte over its own trained range
 * {@code [vmin[i], vmin[i] + vdiff[i]]}. Encoding and decoding are faiss's to the bit:
 * encode {@code (int)(255 * clamp((x - vmin) / vdiff, 0, 1))} (0 when vdiff is 0), decode
 * {@code vmin + ((code + 0.5f) / 255f) * vdiff}. Immutable once trained.
 */
public final class ScalarQuantizer {
    private final int d;
    private float[] vmin;  // null until trained
    private float[] vdiff;

    public ScalarQuantizer(int d) {
        if (d <= 0) throw new IllegalArgumentException("dimension must be > 0, got " + d);
        this.d = d;
    }

    /** A trained quantiser from faiss's {@code trained} array: vmin[0..d) then vdiff[0..d). */
    public static ScalarQuantizer ofTrained(int d, float[] trained) {
        ScalarQuantizer sq = new ScalarQuantizer(d);
        if (trained.length != 2 * d) {
            throw new IllegalArgumentException("SQ8 trained ranges have " + trained.length + " floats, expected 2*d = " + 2 * d);
        }
        sq.vmin = java.util.Arrays.copyOfRange(trained, 0, d);
        sq.vdiff = java.util.Arrays.copyOfRange(trained, d, 2 * d);
        return sq;
    }

    public int dim() {
        return d;
    }

    public int codeSize() {
        return d;
    }

    public boolean isTrained() {
        return vmin != null;
    }

    /** faiss's {@code trained} array (vmin then vdiff), a copy. */
    public float[] trained() {
        checkTrained();
        float[] t = new float[2 * d];
        System.arraycopy(vmin, 0, t, 0, d);
        System.arraycopy(vdiff, 0, t, d, d);
        return t;
    }

    public float[] vmin() {
        checkTrained();
        return vmin.clone();
    }

    public float[] vdiff() {
        checkTrained();
        return vdiff.clone();
    }

    /** Per-component min and max over {@code xs} (faiss train_NonUniform, RS_minmax, no expansion). */
    public void train(FloatMatrix xs) {
        if (xs.cols() != d) throw new IllegalArgumentException("training vectors have dimension " + xs.cols() + ", the SQ has " + d);
        if (xs.rows() == 0) throw new IllegalArgumentException("SQ8 training needs at least one vector");
        float[] lo = xs.row(0);
        float[] hi = lo.clone();
        float[] row = new float[d];
        for (long r = 1; r < xs.rows(); r++) {
            xs.copyRow(r, row, 0);
            for (int j = 0; j < d; j++) {
                if (row[j] < lo[j]) lo[j] = row[j];
                if (row[j] > hi[j]) hi[j] = row[j];
            }
        }
        float[] diff = new float[d];
        for (int j = 0; j < d; j++) diff[j] = hi[j] - lo[j];
        this.vdiff = diff;
        this.vmin = lo;
    }

    /** Encodes {@code x[0..d)} into d bytes at {@code out[offset]}. */
    public void encode(float[] x, MemorySegment out, long offset) {
        checkTrained();
        for (int i = 0; i < d; i++) {
            float u = 0f;
            if (vdiff[i] != 0) {
                u = (x[i] - vmin[i]) / vdiff[i];
                if (u < 0) u = 0;
                if (u > 1.0f) u = 1.0f;
            }
            out.set(ValueLayout.JAVA_BYTE, offset + i, (byte) (int) (255 * u));
        }
    }

    /** Decodes the d bytes at {@code codes[offset]} into {@code out[0..d)}. */
    public void decode(MemorySegment codes, long offset, float[] out) {
        checkTrained();
        for (int i = 0; i < d; i++) {
            int c = codes.get(ValueLayout.JAVA_BYTE, offset + i) & 0xff;
            out[i] = vmin[i] + ((c + 0.5f) / 255.0f) * vdiff[i];
        }
    }

    private void checkTrained() {
        if (vmin == null) throw new IllegalStateException("the scalar quantizer is not trained");
    }
}
