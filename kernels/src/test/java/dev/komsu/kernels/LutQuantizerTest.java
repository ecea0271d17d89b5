package dev.komsu.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LutQuantizerTest {
    @Test
    void sharedTableWithBiasesRecoversTableSumPlusBiasWithinTheRoundingSteps() {
        int m = 6, ksub = 16, m2 = 6, nprobe = 5;
        Random r = new Random(3);
        float[] lut = new float[m * ksub];
        for (int i = 0; i < lut.length; i++) lut[i] = (float) r.nextGaussian() * 3;
        float[] bias = new float[nprobe];
        for (int j = 0; j < nprobe; j++) bias[j] = (float) r.nextGaussian() * 20;
        byte[] q = new byte[m2 * ksub];
        int[] biasQ = new int[nprobe];
        LutQuantizer.Scale s = LutQuantizer.SCALAR.quantizeSharedWithBias(lut.clone(), bias, nprobe, m, ksub, m2, q, 0, biasQ);
        int maxSum = 0;
        for (int trial = 0; trial < 200; trial++) {
            int p = r.nextInt(nprobe);
            float exact = bias[p];
            int key = biasQ[p];
            for (int i = 0; i < m; i++) {
                int c = r.nextInt(ksub);
                exact += lut[i * ksub + c];
                key += q[i * ksub + c] & 0xff;
            }
            maxSum = Math.max(maxSum, key);
            // each of the m table entries and the bias rounds by at most half a step of 1/a
            assertEquals(exact, key / s.a() + s.b(), (m + 1) * 0.5f / s.a() + 1e-3f, "probe " + p);
        }
        assertTrue(maxSum <= 65535, "16-bit sums never wrap: " + maxSum);
    }

    @Test
    void sharedTableWithBiasesRejectsShortBiasArrays() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LutQuantizer.SCALAR.quantizeSharedWithBias(
                new float[32], new float[1], 2, 2, 16, 2, new byte[32], 0, new int[2]));
        assertTrue(e.getMessage().contains("nprobe = 2"), e.getMessage());
    }
}
