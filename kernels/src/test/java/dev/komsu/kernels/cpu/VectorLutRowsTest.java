package dev.komsu.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.komsu.kernels.LutRows;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Vector API row steps of the LUT quantiser return bit for bit what their scalar twins do. */
class VectorLutRowsTest {
    private static final float[] SPECIALS = {Float.NaN, 0.0f, -0.0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE};

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7, 8, 15, 16, 17, 64, 256})
    void minimumAndMaximumMatchTheScalarTwinsIncludingNaNZerosAndInfinities(int n) {
        Random r = new Random(n);
        for (int trial = 0; trial < 2000; trial++) {
            float[] t = row(r, n, trial);
            int from = 1;
            assertEquals(Float.floatToRawIntBits(LutRows.SCALAR.min(t, from, n)), Float.floatToRawIntBits(VectorLutRows.INSTANCE.min(t, from, n)),
                    "min, trial " + trial);
            assertEquals(Float.floatToRawIntBits(LutRows.SCALAR.max(t, from, n)), Float.floatToRawIntBits(VectorLutRows.INSTANCE.max(t, from, n)),
                    "max, trial " + trial);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7, 8, 15, 16, 17, 64, 256})
    void roundingMatchesTheScalarTwin(int n) {
        Random r = new Random(100 + n);
        for (int trial = 0; trial < 2000; trial++) {
            float[] t = row(r, n, trial);
            float min = LutRows.SCALAR.min(t, 1, n);
            float span = LutRows.SCALAR.max(t, 1, n) - min;
            // faiss's scales: 255 / span, capped lower by the 16-bit bound, or 0 for flat tables
            float a = trial % 7 == 0 ? 0.0f : Float.isFinite(span) && span > 0 ? 255.0f / span * (0.5f + r.nextFloat() / 2) : 1.0f;
            byte[] expected = new byte[n + 2];
            byte[] actual = new byte[n + 2];
            LutRows.SCALAR.round(t, 1, n, a, min, expected, 2);
            VectorLutRows.INSTANCE.round(t, 1, n, a, min, actual, 2);
            assertArrayEquals(expected, actual, "trial " + trial);
        }
    }

    // Mostly ordinary distances; some rows with specials sprinkled in, some all NaN (missing probes).
    private static float[] row(Random r, int n, int trial) {
        float[] t = new float[n + 1];
        float scale = (float) Math.pow(10, r.nextInt(9) - 4);
        for (int i = 0; i < t.length; i++) t[i] = (r.nextFloat() * 2 - (trial % 3 == 0 ? 1 : 0)) * scale;
        if (trial % 5 == 1) t[1 + r.nextInt(n)] = SPECIALS[r.nextInt(SPECIALS.length)];
        if (trial % 11 == 2) java.util.Arrays.fill(t, Float.NaN);
        if (trial % 13 == 3) for (int i = 1; i <= n; i++) t[i] = r.nextBoolean() ? 0.0f : -0.0f;
        return t;
    }
}
