package dev.komsu.bench.kernels;

import dev.komsu.Index;
import dev.komsu.SearchParams;
import dev.komsu.io.FaissIndexes;
import dev.komsu.io.Npy;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Neighbors;
import java.io.IOException;
import java.nio.file.Path;
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
 * Search of faiss-written IVF-PQ / IVF-SQ8 files (shared/interop, 5000 x 256), one query per
 * call so the search runs on the calling thread only: time for all 200 queries, k=8. The same
 * loop in faiss: {@code index.search(q[i:i+1], 8)} with {@code omp_set_num_threads(1)}.
 * {@code -p dir=/work/shared/interop}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class QuantizedSearchBenchmark {
    @Param("/work/shared/interop")
    public String dir;

    @Param({"ivf64_pq16", "ivf64_sq8"})
    public String file;

    @Param({"1", "8"})
    public int nprobe;

    private Index index;
    private FloatMatrix[] queries;
    private SearchParams params;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        index = FaissIndexes.read(Path.of(dir, file + ".index"));
        try (FloatMatrix all = Npy.readMatrix(Path.of(dir, "queries.npy"))) {
            queries = new FloatMatrix[(int) all.rows()];
            for (int i = 0; i < queries.length; i++) queries[i] = all.rowRange(i, 1).copy();
        }
        params = SearchParams.builder().nprobe(nprobe).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (FloatMatrix q : queries) q.close();
        index.close();
    }

    @Benchmark
    public long searchAllQueriesOneByOne() {
        long sum = 0;
        for (FloatMatrix q : queries) {
            Neighbors r = index.search(q, 8, params);
            sum += r.label(0, 0);
        }
        return sum;
    }
}
