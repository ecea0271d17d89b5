package dev.komsu.bench.jmh;

import dev.komsu.kernels.FastScanKernels;
import dev.komsu.kernels.QuantizedTopK;
import dev.komsu.kernels.cpu.FastScanSelection;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * FastScan kernel throughput in codes (vectors) scanned per second, one thread, per kernel:
 * a list of 4096 vectors in faiss's block layout, a random uint8 table, k = 40 (RVC's k = 10
 * with k_factor 4). "accumulate" computes every distance; "scan" adds the threshold test and
 * heap, as a search does.
 * Run: {@code java --add-modules jdk.incubator.vector -cp 'bench/target/classes:bench/target/lib/*'
 * org.openjdk.jmh.Main FastScanBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class FastScanBenchmark {
    static final int N = 4096;

    @Param({"scalar", "vector128", "vector128x256", "vector256", "vector512"})
    public String kernel;

    @Param({"32", "128"})
    public int m2;

    private Arena arena;
    private MemorySegment codes;
    private MemorySegment ids;
    private byte[] lut;
    private short[] out;
    private QuantizedTopK heap;
    private FastScanKernels k;

    @Setup(Level.Trial)
    public void setUp() {
        k = FastScanSelection.named(kernel);
        Random r = new Random(42);
        arena = Arena.ofShared();
        codes = arena.allocate((long) N * m2 / 2, 64);
        byte[] c = new byte[(int) codes.byteSize()];
        r.nextBytes(c);
        codes.copyFrom(MemorySegment.ofArray(c));
        ids = arena.allocate((long) N * Long.BYTES);
        for (int i = 0; i < N; i++) ids.setAtIndex(ValueLayout.JAVA_LONG, i, i);
        lut = new byte[m2 * 16];
        // spans like a quantised table: entries up to 255/m2*4 so sums stay within 16 bits
        for (int i = 0; i < lut.length; i++) lut[i] = (byte) r.nextInt(Math.max(2, 1020 / m2));
        out = new short[N];
        heap = new QuantizedTopK(40);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public short accumulate() {
        k.accumulate(codes, 0, N / 32, m2, lut, out);
        return out[N - 1];
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int scan() {
        heap.clear();
        k.scan(codes, 0, N, m2, lut, 0, ids, 0, heap);
        return heap.threshold();
    }
}
