package dev.komsu.kernels;

/** {@link LutRows#SCALAR}: plain loops, the reference the vector forms are held to. */
final class ScalarLutRows implements LutRows {
    @Override
    public float min(float[] t, int from, int n) {
        float v = Float.POSITIVE_INFINITY;
        for (int i = from; i < from + n; i++) if (t[i] < v) v = t[i];
        return v;
    }

    @Override
    public float max(float[] t, int from, int n) {
        float v = Float.NEGATIVE_INFINITY;
        for (int i = from; i < from + n; i++) if (t[i] > v) v = t[i];
        return v;
    }

    @Override
    public void round(float[] t, int from, int n, float a, float min, byte[] out, int outFrom) {
        for (int i = 0; i < n; i++) out[outFrom + i] = (byte) (int) LutRows.roundToInt(t[from + i], min, a);
    }
}
