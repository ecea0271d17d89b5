package dev.komsu.bench.kernels;

import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.VectorLists;
import dev.komsu.kernels.cpu.CpuBackend;
import dev.komsu.kernels.opencl.OpenClBackend;
import dev.komsu.kernels.opencl.OpenClDevices;
import dev.komsu.kernels.opencl.OpenClOptions;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * knn (Flat) and scanLists (IVF-Flat) throughput of the OpenCL backend on the first OpenCL device
 * vs the CPU backend, on small random shapes (about two minutes on PoCL). Every case is warmed
 * up (program build, first-launch compile, resident upload), then timed in interleaved rounds;
 * the figure is the median of 5. GFLOP/s counts 2*d flops per distance (faiss's
 * convention). Prints a markdown table.
 *
 * <p>{@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp ...
 * dev.komsu.bench.kernels.OpenClKnnBench [nq] [n] [d] [k] [nlist] [nprobe]}
 */
public final class OpenClKnnBench {
    private OpenClKnnBench() {
    }

    public static void main(String[] args) {
        int nq = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int d = args.length > 2 ? Integer.parseInt(args[2]) : 768;
        int k = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        int nlist = args.length > 4 ? Integer.parseInt(args[4]) : 256;
        int nprobe = args.length > 5 ? Integer.parseInt(args[5]) : 16;
        OpenClDevices.Discovery found = OpenClDevices.discover();
        System.out.println("OpenCL: " + found.describe());
        System.out.printf(Locale.ROOT, "shapes: nq=%d n=%d d=%d k=%d; IVF: %d lists, nprobe=%d%n", nq, n, d, k, nlist, nprobe);
        System.out.println("| backend | operation | ms/batch | QPS | GFLOP/s |");
        System.out.println("| --- | --- | ---: | ---: | ---: |");
        try (FloatMatrix base = random(n, d, 1); FloatMatrix queries = random(nq, d, 2);
             SplitLists lists = new SplitLists(base, nlist)) {
            int[] probes = new int[nq * nprobe];
            SplittableRandom r = new SplittableRandom(3);
            for (int i = 0; i < probes.length; i++) probes[i] = r.nextInt(nlist);
            double scannedPerQuery = 0;
            for (int i = 0; i < probes.length; i++) scannedPerQuery += lists.size(probes[i]);
            scannedPerQuery /= nq;
            List<String> names = new ArrayList<>();
            List<ComputeBackend> backends = new ArrayList<>();
            try {
                backends.add(new CpuBackend(1));
                names.add(backends.getLast().name() + " x1");
                backends.add(new CpuBackend(2));
                names.add(backends.getLast().name() + " x2");
                if (!found.devices().isEmpty()) {
                    OpenClOptions o = OpenClOptions.defaults();
                    for (OpenClOptions.Shape shape : List.of(OpenClOptions.Shape.PER_ITEM, OpenClOptions.Shape.WORK_GROUP)) {
                        backends.add(new OpenClBackend(found.best().orElseThrow(), new CpuBackend(1), true, o.withShape(shape)));
                        names.add(backends.getLast().name() + " " + shape.name().toLowerCase(Locale.ROOT).replace('_', '-'));
                    }
                }
                List<Runnable> cases = new ArrayList<>();
                List<String> labels = new ArrayList<>();
                List<Double> flops = new ArrayList<>();
                for (int i = 0; i < backends.size(); i++) {
                    ComputeBackend b = backends.get(i);
                    // prepared as an index holds them: uploaded once, released when the backend closes
                    var residentBase = b.prepare(base, null);
                    var residentLists = b.prepare((dev.komsu.kernels.VectorLists) lists);
                    cases.add(() -> b.knn(queries, residentBase, k, Metric.L2));
                    labels.add("| " + names.get(i) + " | knn L2 (Flat)");
                    flops.add(2.0 * d * n * nq);
                    cases.add(() -> b.scanLists(queries, residentLists, probes, nprobe, k, Metric.L2));
                    labels.add("| " + names.get(i) + " | scanLists L2 (IVF" + nlist + ", nprobe " + nprobe + ")");
                    flops.add(2.0 * d * scannedPerQuery * nq);
                }
                double[] median = timeInterleaved(cases);
                for (int c = 0; c < cases.size(); c++) {
                    System.out.printf(Locale.ROOT, "%s | %.1f | %.0f | %.1f |%n", labels.get(c), median[c] * 1e3,
                            nq / median[c], flops.get(c) / median[c] / 1e9);
                }
                for (ComputeBackend b : backends) {
                    if (b instanceof OpenClBackend ob && ob.stats().fallbacks() > 0) {
                        throw new IllegalStateException(b.name() + " fell back to the CPU: its figures are not the device's");
                    }
                }
            } finally {
                for (ComputeBackend b : backends) b.close();
            }
        }
    }

    // Warm-up (builds, first-launch compiles, uploads): two runs of each case. Then rounds that
    // run every case once, so a change in machine load hits all backends alike; the median.
    private static double[] timeInterleaved(List<Runnable> cases) {
        for (Runnable c : cases) {
            c.run();
            c.run();
        }
        int rounds = 5;
        double[][] t = new double[cases.size()][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int c = 0; c < cases.size(); c++) {
                long t0 = System.nanoTime();
                cases.get(c).run();
                t[c][r] = (System.nanoTime() - t0) / 1e9;
            }
        }
        double[] median = new double[cases.size()];
        for (int c = 0; c < cases.size(); c++) {
            Arrays.sort(t[c]);
            median[c] = t[c][rounds / 2];
        }
        return median;
    }

    private static FloatMatrix random(long rows, int cols, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        FloatMatrix m = FloatMatrix.allocate(rows, cols);
        for (long i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) m.set(i, j, (float) (r.nextDouble() * 2 - 1));
        }
        return m;
    }

    /** The base cut into nlist contiguous lists of equal size (ids = row numbers): an IVF shape. */
    private static final class SplitLists implements VectorLists, AutoCloseable {
        private final FloatMatrix base;
        private final int nlist;
        private final Arena arena = Arena.ofShared();
        private final MemorySegment ids;

        SplitLists(FloatMatrix base, int nlist) {
            this.base = base;
            this.nlist = nlist;
            this.ids = arena.allocate(ValueLayout.JAVA_LONG, base.rows());
            for (long i = 0; i < base.rows(); i++) ids.setAtIndex(ValueLayout.JAVA_LONG, i, i);
        }

        private long start(int list) {
            return base.rows() * list / nlist;
        }

        @Override
        public int listCount() {
            return nlist;
        }

        @Override
        public int dim() {
            return base.cols();
        }

        @Override
        public long size(int list) {
            return start(list + 1) - start(list);
        }

        @Override
        public MemorySegment vectors(int list) {
            return base.rowRange(start(list), size(list)).segment();
        }

        @Override
        public MemorySegment ids(int list) {
            return ids.asSlice(start(list) * Long.BYTES, size(list) * Long.BYTES);
        }

        @Override
        public void close() {
            arena.close();
        }
    }
}
