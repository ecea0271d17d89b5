package dev.komsu.bench.jmh;

import dev.komsu.kernels.CodeLists;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.PqListScanner;
import dev.komsu.kernels.Resident;
import dev.komsu.kernels.ResidentMatrix;
import dev.komsu.kernels.cpu.CpuBackend;
import dev.komsu.kernels.opencl.OpenClBackend;
import dev.komsu.kernels.opencl.OpenClDevices;
import dev.komsu.kernels.opencl.OpenClOptions;
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
 * The batched PQ/SQ8 operations of {@link PqListScanner} on one batch of {@code nq} queries:
 * lookup tables, the IVF-PQ 8-bit scan with faiss's precomputed tables (list tables + -2 x query
 * tables, per-probe bias: L2 by residual) and the IVF-SQ8 scan by residual, each probing
 * {@code nprobe} of {@code nlist} lists holding {@code n} random codes. Backends: {@code cpu}
 * (Vector API, one thread), {@code opencl} (first OpenCL device, the kernel shape chosen for it:
 * per work-item on PoCL), {@code opencl-wg} (GPU-shaped work-group kernels forced, 32-wide groups). Device lists
 * and tables are resident (uploaded in the first warm-up call). Time per batch.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
// A command-line -jvmArgsAppend replaces these, so the Vector API module is repeated here.
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
@Warmup(iterations = 2)
@Measurement(iterations = 3)
public class PqListScanBenchmark {
    static final int D = 256;
    static final int N = 100_000;
    static final int NLIST = 1024;
    static final int NPROBE = 16;
    static final int NQ = 256;
    static final int K = 10;

    /** The backend under test and the batch's queries and probes. */
    @State(Scope.Benchmark)
    public static class Batch {
        @Param({"cpu", "opencl", "opencl-wg"})
        public String backend;

        ComputeBackend compute;
        PqListScanner scanner;
        FloatMatrix queries;
        int[] probes;
        float[] biases;

        @Setup(Level.Trial)
        public void open() {
            compute = switch (backend) {
                case "cpu" -> new CpuBackend(1);
                case "opencl", "opencl-wg" -> {
                    OpenClDevices.Discovery found = OpenClDevices.discover();
                    OpenClOptions o = OpenClOptions.defaults();
                    // 32-wide list groups, as the OpenCL tests use: PoCL caches a work-group kernel per
                    // group size, and a fresh build takes minutes on a loaded 2-core machine.
                    if (backend.equals("opencl-wg")) o = o.withShape(OpenClOptions.Shape.WORK_GROUP).withWorkGroupSizes(64, 32);
                    yield OpenClBackend.open(found, new CpuBackend(1), true, o);
                }
                default -> throw new IllegalArgumentException("backend must be cpu, opencl or opencl-wg, got " + backend);
            };
            scanner = compute.pqLists();
            queries = KnnBenchmark.random(NQ, D, 1);
            SplittableRandom r = new SplittableRandom(3);
            probes = new int[NQ * NPROBE];
            for (int q = 0; q < NQ; q++) {
                // nprobe distinct lists per query, as a coarse quantiser returns
                int first = r.nextInt(NLIST);
                int stride = 1 + r.nextInt(NLIST / NPROBE);
                for (int p = 0; p < NPROBE; p++) probes[q * NPROBE + p] = (first + p * stride) % NLIST;
            }
            biases = new float[probes.length];
            for (int i = 0; i < biases.length; i++) biases[i] = (float) r.nextDouble();
        }

        @TearDown(Level.Trial)
        public void close() {
            if (compute instanceof OpenClBackend ob && ob.stats().fallbacks() > 0) {
                throw new IllegalStateException(backend + " fell back to the CPU " + ob.stats().fallbacks()
                        + " times: its figures are not the device's");
            }
            compute.close();
            queries.close();
        }
    }

    /** IVF-PQ data: m sub-quantisers of 8 bits over d = 256. */
    @State(Scope.Benchmark)
    public static class Pq {
        @Param({"32", "64"})
        public int m;

        float[] centroidsT;
        float[] listTables;
        RandomCodeLists lists;
        Resident<CodeLists> residentLists;
        Resident<float[]> codebook;
        Resident<float[]> residentTables;

        @Setup(Level.Trial)
        public void build(Batch batch) {
            int tableSize = m * 256;
            centroidsT = randomFloats(D * 256, 4);
            listTables = randomFloats(NLIST * tableSize, 5);
            lists = new RandomCodeLists(N, m, NLIST, 6);
            // resident as an IVF-PQ index holds them (closed with the backend)
            residentLists = batch.compute.prepare(lists);
            codebook = batch.compute.prepare(centroidsT);
            residentTables = batch.compute.prepare(listTables);
        }

        @TearDown(Level.Trial)
        public void close() {
            lists.close();
        }
    }

    /** IVF-SQ8 data: codes of d bytes, decode ranges, list centroids for the residual. */
    @State(Scope.Benchmark)
    public static class Sq8 {
        float[] vmin;
        float[] vdiff;
        FloatMatrix centroids;
        RandomCodeLists lists;
        Resident<CodeLists> residentLists;
        ResidentMatrix residentCentroids;

        @Setup(Level.Trial)
        public void build(Batch batch) {
            vmin = randomFloats(D, 7);
            vdiff = randomFloats(D, 8);
            for (int i = 0; i < D; i++) vdiff[i] = Math.abs(vdiff[i]) + 0.5f;
            centroids = KnnBenchmark.random(NLIST, D, 9);
            lists = new RandomCodeLists(N, D, NLIST, 10);
            residentLists = batch.compute.prepare(lists);
            residentCentroids = batch.compute.prepare(centroids, null);
        }

        @TearDown(Level.Trial)
        public void close() {
            centroids.close();
            lists.close();
        }
    }

    @Benchmark
    public float lookupTables(Batch b, Pq pq) {
        try (FloatMatrix t = b.scanner.lookupTables(b.queries, pq.centroidsT, pq.m, 256, D / pq.m, Metric.L2)) {
            return t.get(0, 0);
        }
    }

    /** Lookup tables and scan in one step, the tables staying where they were built (as IVF-PQ search runs). */
    @Benchmark
    public long searchPq(Batch b, Pq pq) {
        return b.scanner.searchPq(pq.residentLists, b.queries, pq.codebook, pq.m, 8, D / pq.m, Metric.INNER_PRODUCT,
                pq.residentTables, -2f, b.probes, b.biases, NPROBE, K, Metric.L2).label(0, 0);
    }

    @Benchmark
    public long scanSq8(Batch b, Sq8 sq) {
        return b.scanner.scanSq8(sq.residentLists, b.queries, sq.residentCentroids, sq.vmin, sq.vdiff, b.probes, null, NPROBE, K,
                Metric.L2).label(0, 0);
    }

    static float[] randomFloats(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
        return a;
    }

    /** n random codes of codeSize bytes dealt round-robin into nlist lists, ids = insertion order. */
    static final class RandomCodeLists implements CodeLists, AutoCloseable {
        private final Arena arena = Arena.ofShared();
        private final int codeSize;
        private final MemorySegment[] codes;
        private final MemorySegment[] ids;

        RandomCodeLists(int n, int codeSize, int nlist, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            this.codeSize = codeSize;
            codes = new MemorySegment[nlist];
            ids = new MemorySegment[nlist];
            for (int l = 0; l < nlist; l++) {
                int size = n / nlist + (l < n % nlist ? 1 : 0);
                codes[l] = arena.allocate(Math.max(1, (long) size * codeSize), 64);
                ids[l] = arena.allocate(Math.max(1, size * 8L), 8);
                for (long i = 0; i < (long) size * codeSize; i++) codes[l].set(ValueLayout.JAVA_BYTE, i, (byte) r.nextInt(256));
                for (int i = 0; i < size; i++) ids[l].setAtIndex(ValueLayout.JAVA_LONG, i, (long) i * nlist + l);
            }
        }

        @Override
        public int listCount() {
            return codes.length;
        }

        @Override
        public int codeSize() {
            return codeSize;
        }

        @Override
        public long size(int list) {
            return ids[list].byteSize() / 8;
        }

        @Override
        public MemorySegment codes(int list) {
            return codes[list].asSlice(0, size(list) * codeSize);
        }

        @Override
        public MemorySegment ids(int list) {
            return ids[list].asSlice(0, size(list) * 8);
        }

        @Override
        public void close() {
            arena.close();
        }
    }
}
