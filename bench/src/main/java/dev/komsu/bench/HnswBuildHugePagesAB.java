package dev.komsu.bench;

import dev.komsu.index.HnswIndex;
import dev.komsu.io.Npy;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.HugePages;
import dev.komsu.kernels.Metric;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HNSW32 (efConstruction 40) builds of the first N rows of DIR/base.npy, alternately with and
 * without huge pages ({@link HugePages#OPT_OUT}) in one JVM, so both sides share the JIT and the
 * machine's load; prints wall and process CPU seconds per build and the medians (the first round
 * is a warm-up). Usage: HnswBuildHugePagesAB BASE_NPY THREADS ROUNDS N [PROPERTY]: with PROPERTY,
 * that boolean system property is alternated instead (huge pages stay as configured). See
 * bench/RESULTS.md.
 */
public final class HnswBuildHugePagesAB {
    private HnswBuildHugePagesAB() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4 && args.length != 5) {
            throw new IllegalArgumentException("usage: HnswBuildHugePagesAB BASE_NPY THREADS ROUNDS N [PROPERTY]");
        }
        String property = args.length == 5 ? args[4] : HugePages.OPT_OUT;
        boolean optOut = property.equals(HugePages.OPT_OUT);
        int threads = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        long n = Long.parseLong(args[3]);
        try (FloatMatrix all = Npy.readMatrix(Path.of(args[0])); ComputeBackend backend = Backends.cpu(threads)) {
            FloatMatrix base = all.rowRange(0, n);
            Map<Boolean, List<double[]>> runs = new TreeMap<>();
            for (int r = 0; r < rounds; r++) {
                // Alternate which side goes first, so a change in load falls on both.
                for (boolean huge : r % 2 == 0 ? new boolean[] {true, false} : new boolean[] {false, true}) {
                    // huge == "on": huge pages used, or the alternated property false (the default path).
                    System.setProperty(property, String.valueOf(!huge));
                    try (HnswIndex index = new HnswIndex(base.cols(), 32, Metric.L2, backend)) {
                        long c0 = processCpuNanos();
                        long t0 = System.nanoTime();
                        index.add(base);
                        double wall = (System.nanoTime() - t0) / 1e9;
                        double cpu = (processCpuNanos() - c0) / 1e9;
                        System.out.printf(Locale.ROOT, "round %d %s %b: build %.2f s, %.2f CPU s, load %.2f%n", r,
                                optOut ? "huge pages" : property, optOut ? huge : !huge, wall, cpu,
                                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
                        if (r > 0) runs.computeIfAbsent(huge, k -> new ArrayList<>()).add(new double[] {wall, cpu});
                    }
                }
            }
            for (var e : runs.entrySet()) {
                double[] wall = e.getValue().stream().mapToDouble(x -> x[0]).sorted().toArray();
                double[] cpu = e.getValue().stream().mapToDouble(x -> x[1]).sorted().toArray();
                System.out.printf(Locale.ROOT, "%s %b: median build %.2f s, median %.2f CPU s (%d builds)%n",
                        optOut ? "huge pages" : property, optOut ? e.getKey() : !e.getKey(),
                        wall[wall.length / 2], cpu[cpu.length / 2], wall.length);
            }
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
