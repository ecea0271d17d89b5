package dev.komsu.bench.kernels;

import dev.komsu.index.CodeLayout;
import dev.komsu.index.InvertedLists;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FastScanKernels;
import dev.komsu.kernels.FastScanListScanner;
import dev.komsu.kernels.Metric;
import java.lang.foreign.MemorySegment;
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
 * One batched FastScan list scan ({@link FastScanListScanner}) per call, CPU form vs the OpenCL
 * kernels: 100 000 random 4-bit codes of m = 64 in 1024 lists (the host's InvertedLists in FastScan's block layout),
 * 256 queries x nprobe 16 random lists, random uint8 tables (one per query, or one per probe
 * with random biases, as IVF by-residual search has), k = 10. The CPU form runs on the calling
 * thread (hosts run query chunks in parallel); the device uses all its compute units.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class OpenClFastScanBenchmark {
    @Param({"cpu1", "opencl-item", "opencl-wg"})
    public String backend;

    @Param({"1", "16"})
    public int tables;

    private static final int N = 100_000;
    private static final int NLIST = 1024;
    private static final int M2 = 64;
    private static final int NQ = 256;
    private static final int NPROBE = 16;
    private static final int K = 10;

    private ComputeBackend b;
    private FastScanListScanner scanner;
    private InvertedLists lists;
    private byte[] luts;
    private int[] biases;
    private int[] probes;
    private int[] keys;
    private long[] ids;

    @Setup(Level.Trial)
    public void setUp() {
        b = OpenClQuantizedBackends.open(backend);
        scanner = b.fastScanLists();
        SplittableRandom r = new SplittableRandom(2);
        lists = randomLists(r);
        luts = new byte[NQ * tables * M2 * FastScanKernels.KSUB];
        for (int i = 0; i < luts.length; i++) luts[i] = (byte) r.nextInt(256);
        probes = new int[NQ * NPROBE];
        for (int q = 0; q < NQ; q++) {
            for (int p = 0; p < NPROBE; p++) probes[q * NPROBE + p] = r.nextInt(NLIST);
        }
        if (tables > 1) {
            biases = new int[NQ * NPROBE];
            for (int i = 0; i < biases.length; i++) biases[i] = r.nextInt(4096);
        }
        keys = new int[NQ * K];
        ids = new long[NQ * K];
    }

    // Vectors dealt to random lists (sizes ~ Poisson(N/NLIST), like k-means lists of uniform
    // data), random 4-bit codes, ids 0..N-1, packed by the host's own FastScan lists.
    private static InvertedLists randomLists(SplittableRandom r) {
        InvertedLists l = new InvertedLists(NLIST, CodeLayout.blocks(M2));
        byte[] flat = new byte[N * M2 / 2];
        r.nextBytes(flat);
        MemorySegment codes = MemorySegment.ofArray(flat);
        for (int i = 0; i < N; i++) l.append(r.nextInt(NLIST), i, codes, (long) i * (M2 / 2));
        return l;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        OpenClQuantizedBackends.checkNoFallback(b);
        b.close();
        lists.close();
    }

    @Benchmark
    public long scanBatch() {
        scanner.scan(lists.blockCodeLists(), luts, tables, biases, probes, NPROBE, K, keys, ids, Metric.L2);
        return ids[0] + keys[K - 1];
    }
}
