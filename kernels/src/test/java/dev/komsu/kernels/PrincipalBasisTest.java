package dev.komsu.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PrincipalBasisTest {
    @ParameterizedTest(name = "{0} x {1} rows of {2}")
    @CsvSource({"1, 1, 1", "4, 4, 8", "7, 6, 13", "9, 3, 5", "3, 10, 2"})
    void blockedDotsEqualOneDotAtATime(int rowsA, int rowsB, int n) {
        SplittableRandom random = new SplittableRandom(rowsA * 31L + rowsB * 7L + n);
        double[][] a = new double[rowsA][n];
        double[][] b = new double[rowsB][n];
        for (double[] row : a) for (int c = 0; c < n; c++) row[c] = random.nextDouble(-1, 1);
        for (double[] row : b) for (int c = 0; c < n; c++) row[c] = random.nextDouble(-1, 1);
        double[][] out = PrincipalBasis.dots(a, b);
        for (int i = 0; i < rowsA; i++) {
            for (int j = 0; j < rowsB; j++) {
                double expected = 0;
                for (int c = 0; c < n; c++) expected += a[i][c] * b[j][c];
                assertEquals(expected, out[i][j], 1e-12, "row " + i + " of a, row " + j + " of b");
            }
        }
    }
}
