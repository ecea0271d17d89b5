package dev.komsu.kernels.cpu;

import dev.komsu.kernels.scalar.ScalarFastScan;
import dev.komsu.kernels.FastScanKernels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import jdk.incubator.vector.ByteVector;

/** Picks the FastScan kernel for the hardware once, at class initialisation. */
public final class FastScanSelection {
    private static final Path CPUINFO = Path.of("/proc/cpuinfo");
    private static final Pattern VBMI_FLAG = Pattern.compile("(?m)^flags\\s*:.*\\bavx512_vbmi\\b");

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
     *   <li>With AVX-512 VBMI, where C2 turns a full-width byte {@code selectFrom} into one
     *       {@code vpermb}: 512-bit lookups (or 256-bit ones when the JVM's vectors are capped at
     *       256 bits). Not measured: no such machine here; the prototype found 512 bits
     *       best there.
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
        if (preferredBits >= 512 && bytePermute) return VectorFastScan512.INSTANCE;
        if (preferredBits >= 256) return bytePermute ? VectorFastScan256.INSTANCE : VectorFastScanWideSums.INSTANCE;
        return preferredBits >= 128 ? VectorFastScan128.INSTANCE : ScalarFastScan.INSTANCE;
    }

    /**
     * Whether the CPU has a full-width byte permute (AVX-512 VBMI's {@code vpermb}), read from
     * Linux's {@code /proc/cpuinfo}. Elsewhere the answer is no, which costs at most the
     * 256-bit kernel's advantage on VBMI machines.
     */
    static boolean hasBytePermute() {
        if (!Files.isReadable(CPUINFO)) return false;
        try {
            return hasVbmiFlag(Files.readString(CPUINFO));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + CPUINFO, e);
        }
    }

    static boolean hasVbmiFlag(String cpuinfo) {
        return VBMI_FLAG.matcher(cpuinfo).find();
    }
}
