package dev.komsu.bench.kernels;

import dev.komsu.kernels.Metric;
import dev.komsu.kernels.PqKernels;
import dev.komsu.kernels.TopK;
import dev.komsu.kernels.cpu.VectorPqKernels;
import dev.komsu.kernels.scalar.ScalarPqKernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * PQ/SQ8 kernels, scalar reference vs Vector API, one thread: a lookup table (d=256, M=16,
 * ksub=256), an 8-bit PQ scan and an SQ8 scan of 10 000 codes with a top-10 heap.
 * Run: {@code java --add-modules jdk.incubator.vector -cp "bench/target/classes:bench/target/lib/*"
 * org.openjdk.jmh.Main PqKernelsBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class PqKernelsBenchmark {
    private static final int D = 256;
    private static final int N = 10_000;

    @Param({"scalar", "vector"})
    public String impl;

    @Param({"16", "64"})
    public int m;

    private PqKernels kernels;
    private Arena arena;
    private float[] query;
    private float[] centroidsT;
    private float[] lut;
    private MemorySegment pqCodes;
    private MemorySegment sqCodes;
    private MemorySegment ids;
    private float[] vmin;
    private float[] vdiff;

    @Setup(Level.Trial)
    public void setUp() {
        kernels = impl.equals("scalar") ? ScalarPqKernels.INSTANCE : VectorPqKernels.INSTANCE;
        SplittableRandom r = new SplittableRandom(42);
        arena = Arena.ofShared();
        query = random(D, r);
        centroidsT = random(D * 256, r);
        lut = new float[m * 256];
        VectorPqKernels.INSTANCE.lookupTable(query, centroidsT, m, 256, D / m, Metric.L2, lut);
        pqCodes = randomBytes((long) N * m, r);
        sqCodes = randomBytes((long) N * D, r);
        ids = arena.allocate((long) N * Long.BYTES, 8);
        for (int i = 0; i < N; i++) ids.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i, i);
        vmin = random(D, r);
        vdiff = random(D, r);
    }

    private static float[] random(int n, SplittableRandom r) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextDouble();
        return a;
    }

    private MemorySegment randomBytes(long n, SplittableRandom r) {
        MemorySegment s = arena.allocate(n, 64);
        for (long i = 0; i < n; i++) s.set(ValueLayout.JAVA_BYTE, i, (byte) r.nextInt(256));
        return s;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public float[] lookupTable() {
        float[] out = new float[m * 256];
        kernels.lookupTable(query, centroidsT, m, 256, D / m, Metric.L2, out);
        return out;
    }

    @Benchmark
    public TopK scanPq8() {
        TopK heap = new TopK(10);
        kernels.scanCodes(pqCodes, ids, N, m, 8, lut, 0f, Metric.L2, heap);
        return heap;
    }

    @Benchmark
    public TopK scanSq8() {
        TopK heap = new TopK(10);
        kernels.scanSq8(sqCodes, ids, N, query, vmin, vdiff, 0f, Metric.L2, heap);
        return heap;
    }
}
