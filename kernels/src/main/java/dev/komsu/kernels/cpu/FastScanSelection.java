package dev.komsu.kernels.cpu;

import dev.komsu.kernels.FastScanKernels;
import dev.komsu.kernels.scalar.ScalarFastScan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;

/** Picks the FastScan kernel for the hardware once, at class initialisation. */
public final class FastScanSelection {
    private static final Path CPUINFO = Path.of("/proc/cpuinfo");
    /**
     * AVX-512 VBMI as Linux's {@code /proc/cpuinfo} spells it: no underscore, unlike its
     * successor {@code avx512_vbmi2} (the kernel's x86 feature names are not uniform).
     */
    private static final String VBMI_FLAG = "avx512vbmi";

    /**
     * The system property that replaces the choice, read once at startup, for benchmarks that
     * compare kernels end to end (values as for {@link #named}).
     */
    public static final String OVERRIDE = "komsu.fastscan.kernel";

    private FastScanSelection() {
    }

    /**
     * The fastest kernel the hardware runs natively. A species wider than the hardware runs
     * ~100x slower than scalar, so nothing wider than the preferred vector size is picked.
     * <ul>
     *   <li>With AVX-512 VBMI (C2 turns a 32-byte byte {@code selectFrom} into one
     *       {@code vpermb}): 256-bit lookups, also where the JVM's vectors are 512 bits. Measured
     *       on such a Xeon (issue 13, one thread): {@code FastScanKernelCpuTime} gave
     *       vector256 112 / 238 M codes per CPU-second (m2 = 384 / 128), vector512 91 / 244
     *       (varying 77-131), vector128x256 70 / 146; end to end on rvc256
     *       {@code IVF1024,PQ128x4fs,RFlat} (nprobe 16 / 64, k_factor 4) vector256 ran at
     *       0.78-0.83x faiss-AVX2, vector512 at 0.71-0.72x, vector128x256 at 0.69-0.79x. The
     *       512-bit kernel stays available through {@link #OVERRIDE}.
     *   <li>128-bit lookups with 256-bit sums on other machines with 256-bit vectors, AVX2
     *       included: on this AVX2 EPYC, end to end, 1.1-1.3x the 128-bit and the 256-bit
     *       kernels (bench/RESULTS.md "FastScan kernel: what C2 makes of it").
     *   <li>128 bits on 128-bit hardware, scalar below that.
     * </ul>
     */
    public static final FastScanKernels PREFERRED = preferred(System.getProperty(OVERRIDE));

    static FastScanKernels preferred(String override) {
        if (override != null && !override.isBlank()) return named(override.strip());
        return choose(ByteVector.SPECIES_PREFERRED.vectorBitSize(), hasBytePermute());
    }

    /**
     * A kernel by its short name, for benchmarks and tests that compare them: scalar,
     * vector128, vector128x256, vector256 or vector512 (its {@code name()} without "fastscan-").
     */
    public static FastScanKernels named(String name) {
        return switch (name) {
            case "scalar" -> ScalarFastScan.INSTANCE;
            case "vector128" -> VectorFastScan128.INSTANCE;
            case "vector128x256" -> VectorFastScanWideSums.INSTANCE;
            case "vector256" -> VectorFastScan256.INSTANCE;
            case "vector512" -> VectorFastScan512.INSTANCE;
            default -> throw new IllegalArgumentException(
                    "unknown FastScan kernel " + name + ": scalar, vector128, vector128x256, vector256 or vector512");
        };
    }

    static FastScanKernels choose(int preferredBits, boolean bytePermute) {
        // 256 bits even with 512-bit vectors: measured faster end to end (see PREFERRED).
        if (preferredBits >= 256) return bytePermute ? VectorFastScan256.INSTANCE : VectorFastScanWideSums.INSTANCE;
        return preferredBits >= 128 ? VectorFastScan128.INSTANCE : ScalarFastScan.INSTANCE;
    }

    /**
     * Whether the CPU has a full-width byte permute (AVX-512 VBMI's {@code vpermb}), read from
     * Linux's {@code /proc/cpuinfo}. Elsewhere the answer is no, which costs at most the
     * 256-bit kernel's advantage on VBMI machines (0.78-0.83x against 0.69-0.79x faiss).
     */
    static boolean hasBytePermute() {
        if (!Files.isReadable(CPUINFO)) return false;
        try {
            return hasVbmiFlag(Files.readString(CPUINFO));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + CPUINFO, e);
        }
    }

    /**
     * Whether a {@code flags} line of {@code cpuinfo} lists {@value #VBMI_FLAG} as a whole
     * word. Other lines ({@code bugs}, {@code vmx flags}) are not looked at.
     */
    static boolean hasVbmiFlag(String cpuinfo) {
        return cpuinfo.lines()
                .filter(FastScanSelection::isFlagsLine)
                .anyMatch(line -> Arrays.asList(line.substring(line.indexOf(':') + 1).strip().split("\\s+"))
                        .contains(VBMI_FLAG));
    }

    private static boolean isFlagsLine(String line) {
        int colon = line.indexOf(':');
        return colon > 0 && line.substring(0, colon).strip().equals("flags");
    }
}
