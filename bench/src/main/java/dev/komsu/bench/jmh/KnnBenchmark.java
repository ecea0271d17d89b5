package dev.komsu.bench.jmh;

import dev.komsu.kernels.Backends;
import dev.komsu.kernels.BaseNorms;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
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
 * Exact k-NN (Flat search) over uniform random data: one batch of {@code nq} queries against
 * {@code n} base rows. Time per batch; QPS = nq / time, GFLOP/s = 2 * nq * n * d / time (the
 * convention faiss's figures use: one multiply and one add per dimension and pair).
 *
 * <p>The base's {@link BaseNorms} are made once in the set-up, as an index keeps them.
 *
 * <p>Example: {@code java -jar ... KnnBenchmark -p backend=cpu -p threads=1,2 -p nq=2000 -p n=200000 -p d=768}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
// A command-line -jvmArgsAppend replaces these, so the Vector API module is repeated here.
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
@Warmup(iterations = 2)
@Measurement(iterations = 3)
public class KnnBenchmark {
    @Param({"cpu", "scalar"})
    public String backend;

    @Param({"1"})
    public int threads;

    @Param({"256"})
    public int nq;

    @Param({"20000"})
    public int n;

    @Param({"256", "768"})
    public int d;

    @Param({"10"})
    public int k;

    @Param({"L2"})
    public String metric;

    private ComputeBackend compute;
    private FloatMatrix queries;
    private FloatMatrix base;
    private Metric m;

    @Setup(Level.Trial)
    public void setUp() {
        compute = Backends.select(Backends.Kind.parse(backend), threads);
        m = Metric.parse(metric);
        queries = random(nq, d, 1);
        base = random(n, d, 2);
        norms = BaseNorms.of(base, m);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        compute.close();
        queries.close();
        base.close();
    }

    static FloatMatrix random(long rows, int cols, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] row = new float[cols];
        FloatMatrix out = FloatMatrix.allocate(rows, cols);
        for (long i = 0; i < rows; i++) {
            for (int c = 0; c < cols; c++) row[c] = (float) (r.nextDouble() * 2 - 1);
            out.setRow(i, row, 0);
        }
        return out;
    }

    /** The base's norms, computed once as an index keeps them (only the dense kernel reads them). */
    private BaseNorms norms;

    @Benchmark
    public Neighbors knn() {
        return compute.knn(queries, base, norms, k, m);
    }
}
