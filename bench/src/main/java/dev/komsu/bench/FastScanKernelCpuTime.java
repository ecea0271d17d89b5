package dev.komsu.bench;

import dev.komsu.kernels.FastScanKernels;
import dev.komsu.kernels.QuantizedTopK;
import dev.komsu.kernels.cpu.FastScanSelection;
import dev.komsu.kernels.cpu.VectorFastScan128;
import dev.komsu.kernels.cpu.VectorFastScan256;
import dev.komsu.kernels.cpu.VectorFastScanWideSums;
import dev.komsu.kernels.scalar.ScalarFastScan;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Random;

/**
 * FastScan kernel throughput in codes per second of the thread's own CPU time, the same scan
 * as {@code jmh.FastScanBenchmark.scan} (4096 codes, k = 40). On a shared, oversubscribed
 * machine JMH's wall-clock scores swing by more than their size; CPU time still counts only
 * this thread's cycles (a busy sibling hyperthread still slows it), so kernels measured in
 * the same run compare fairly. Median of 7 rounds. Usage: FastScanKernelCpuTime [m2,...] [kernel...]
 * with kernels among scalar, vector128, vector128x256, vector256, vector512 (default: the first four;
 * vector512 is emulated, ~100x slower, without AVX-512). Run one kernel per JVM
 * to compare them as the product runs them: with several in one JVM the block call sites are
 * megamorphic and C2 compiles the kernels out of context.
 */
public final class FastScanKernelCpuTime {
    private static final int N = 4096;

    private FastScanKernelCpuTime() {
    }

    public static void main(String[] args) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        String[] m2s = (args.length > 0 ? args[0] : "32,128").split(",");
        FastScanKernels[] kernels = args.length > 1
                ? java.util.Arrays.stream(args, 1, args.length).map(FastScanSelection::named).toArray(FastScanKernels[]::new)
                : new FastScanKernels[] {ScalarFastScan.INSTANCE, VectorFastScan128.INSTANCE,
                    VectorFastScanWideSums.INSTANCE, VectorFastScan256.INSTANCE};
        for (String m2s1 : m2s) {
            int m2 = Integer.parseInt(m2s1.trim());
            try (Arena arena = Arena.ofShared()) {
                Random r = new Random(42);
                MemorySegment codes = arena.allocate((long) N * m2 / 2, 64);
                byte[] c = new byte[(int) codes.byteSize()];
                r.nextBytes(c);
                codes.copyFrom(MemorySegment.ofArray(c));
                MemorySegment ids = arena.allocate((long) N * Long.BYTES);
                for (int i = 0; i < N; i++) ids.setAtIndex(ValueLayout.JAVA_LONG, i, i);
                byte[] lut = new byte[m2 * 16];
                for (int i = 0; i < lut.length; i++) lut[i] = (byte) r.nextInt(Math.max(2, 1020 / m2));
                for (FastScanKernels k : kernels) {
                    QuantizedTopK heap = new QuantizedTopK(40);
                    int reps = (k == ScalarFastScan.INSTANCE ? 40 : 2000) * 32 / m2;
                    double[] rates = new double[7];
                    for (int warm = 0; warm < 3; warm++) run(k, codes, ids, lut, m2, heap, reps);
                    for (int round = 0; round < rates.length; round++) {
                        long t0 = mx.getCurrentThreadCpuTime();
                        run(k, codes, ids, lut, m2, heap, reps);
                        rates[round] = reps * (double) N / ((mx.getCurrentThreadCpuTime() - t0) / 1e9);
                    }
                    Arrays.sort(rates);
                    System.out.printf("%-20s m2=%3d: %8.1f M codes per CPU-second (min %.1f, max %.1f)%n", k.name(), m2,
                            rates[3] / 1e6, rates[0] / 1e6, rates[6] / 1e6);
                }
            }
        }
    }

    private static void run(FastScanKernels k, MemorySegment codes, MemorySegment ids, byte[] lut, int m2,
                            QuantizedTopK heap, int reps) {
        for (int i = 0; i < reps; i++) {
            heap.clear();
            k.scan(codes, 0, N, m2, lut, 0, ids, 0, heap);
        }
    }
}
