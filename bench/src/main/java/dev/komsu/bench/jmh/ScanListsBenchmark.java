package dev.komsu.bench.jmh;

import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.VectorLists;
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
 * IVF-Flat list scans ({@code scanLists}) for {@code nq} queries probing {@code nprobe} of
 * {@code nlist} lists holding {@code n} random vectors, submitted in batches of {@code batch}
 * queries ({@code batch=1}: one call per query, as a caller without batching would; larger
 * batches let the backend stream each list once for all queries probing it). Time per nq
 * queries; QPS = nq / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
// A command-line -jvmArgsAppend replaces these, so the Vector API module is repeated here.
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
@Warmup(iterations = 2)
@Measurement(iterations = 3)
public class ScanListsBenchmark {
    @Param({"cpu"})
    public String backend;

    @Param({"1"})
    public int threads;

    @Param({"1000"})
    public int nq;

    @Param({"1", "100", "1000"})
    public int batch;

    @Param({"100000"})
    public int n;

    @Param({"256"})
    public int d;

    @Param({"1024"})
    public int nlist;

    @Param({"16"})
    public int nprobe;

    @Param({"10"})
    public int k;

    private ComputeBackend compute;
    private FloatMatrix queries;
    private RandomLists lists;
    private int[] probes;

    @Setup(Level.Trial)
    public void setUp() {
        compute = Backends.select(Backends.Kind.parse(backend), threads);
        queries = KnnBenchmark.random(nq, d, 1);
        lists = new RandomLists(n, d, nlist, 2);
        SplittableRandom r = new SplittableRandom(3);
        probes = new int[nq * nprobe];
        for (int i = 0; i < nq; i++) {
            // nprobe distinct lists per query, as a coarse quantiser returns.
            int first = r.nextInt(nlist);
            int stride = 1 + r.nextInt(Math.max(1, nlist / nprobe));
            for (int p = 0; p < nprobe; p++) probes[i * nprobe + p] = (int) ((first + (long) p * stride) % nlist);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        compute.close();
        queries.close();
        lists.close();
    }

    @Benchmark
    public long scanLists() {
        long sum = 0;
        for (int from = 0; from < nq; from += batch) {
            int count = Math.min(batch, nq - from);
            int[] part = java.util.Arrays.copyOfRange(probes, from * nprobe, (from + count) * nprobe);
            Neighbors r = compute.scanLists(queries.rowRange(from, count), lists, part, nprobe, k, Metric.L2);
            sum += r.label(0, 0);
        }
        return sum;
    }

    /** n random vectors dealt round-robin into nlist contiguous lists, ids = insertion order. */
    static final class RandomLists implements VectorLists, AutoCloseable {
        private final Arena arena = Arena.ofShared();
        private final int d;
        private final MemorySegment[] vectors;
        private final MemorySegment[] ids;

        RandomLists(int n, int d, int nlist, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            this.d = d;
            vectors = new MemorySegment[nlist];
            ids = new MemorySegment[nlist];
            for (int l = 0; l < nlist; l++) {
                int size = n / nlist + (l < n % nlist ? 1 : 0);
                vectors[l] = arena.allocate((long) size * d * Float.BYTES, 64);
                ids[l] = arena.allocate(size * 8L, 8);
                for (int i = 0; i < size; i++) {
                    for (int c = 0; c < d; c++) {
                        vectors[l].setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, (long) i * d + c, (float) (r.nextDouble() * 2 - 1));
                    }
                    ids[l].setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i, (long) i * nlist + l);
                }
            }
        }

        @Override
        public int listCount() {
            return vectors.length;
        }

        @Override
        public int dim() {
            return d;
        }

        @Override
        public long size(int list) {
            return ids[list].byteSize() / 8;
        }

        @Override
        public MemorySegment vectors(int list) {
            return vectors[list];
        }

        @Override
        public MemorySegment ids(int list) {
            return ids[list];
        }

        @Override
        public void close() {
            arena.close();
        }
    }
}
