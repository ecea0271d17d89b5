package dev.komsu.bench.kernels;

import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.Refiner;
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
 * One batched refine ({@link Refiner}) per call, CPU form vs the OpenCL kernels: a random
 * 200 000 x 256 base (205 MB, resident on the device), 256 queries x 40 random candidate rows,
 * k = 10, L2.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class OpenClRefineBenchmark {
    @Param({"cpu1", "cpu2", "opencl-item", "opencl-wg"})
    public String backend;

    private static final int N = 200_000;
    private static final int D = 256;
    private static final int NQ = 256;
    private static final int K_IN = 40;
    private static final int K = 10;

    private ComputeBackend b;
    private Refiner refiner;
    private FloatMatrix base;
    private dev.komsu.kernels.ResidentMatrix residentBase;
    private FloatMatrix queries;
    private long[] candidates;

    @Setup(Level.Trial)
    public void setUp() {
        b = OpenClQuantizedBackends.open(backend);
        refiner = b.refiner();
        base = random(N, D, 1);
        residentBase = b.prepare(base, null); // as RFlat holds it; released when the backend closes
        queries = random(NQ, D, 2);
        SplittableRandom r = new SplittableRandom(3);
        candidates = new long[NQ * K_IN];
        for (int i = 0; i < candidates.length; i++) candidates[i] = r.nextInt(N);
    }

    private static FloatMatrix random(int rows, int cols, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        FloatMatrix m = FloatMatrix.allocate(rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) m.set(i, j, (float) r.nextDouble());
        }
        return m;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        OpenClQuantizedBackends.checkNoFallback(b);
        b.close();
        base.close();
        queries.close();
    }

    @Benchmark
    public long refineBatch() {
        Neighbors n = refiner.refine(queries, residentBase, candidates, K_IN, K, Metric.L2);
        return n.labels()[0];
    }
}
