package dev.komsu.bench.harness;

import java.util.List;

/** Small statistics of timing runs. */
public final class Stats {
    private Stats() {
    }

    /** The median (mean of the middle two for an even count). */
    public static double median(List<Double> values) {
        if (values.isEmpty()) throw new IllegalArgumentException("median of no values");
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
