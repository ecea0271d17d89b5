package dev.komsu.kernels.cpu;

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

    private FastScanSelection() {
    }

    /**
     * The fastest kernel the hardware runs natively. A species wider than the hardware runs
     * ~100x slower than scalar, so nothing wider than the preferred vector size is picked.
     * <ul>
     *   <li>256 bits only with AVX-512 VBMI, where C2 turns the 32-byte {@code selectFrom} into
     *       one {@code vpermb} (not measured: no such machine here).
     *   <li>128 bits on everything else with 128-bit vectors or more, AVX2 included: there the
     *       128-bit kernel measured 1.1-1.6x the 256-bit one (bench/RESULTS.md "FastScan
     *       kernel: what C2 makes of it").
     *   <li>Scalar below that.
     * </ul>
     */
    public static final FastScanKernels PREFERRED =
            choose(ByteVector.SPECIES_PREFERRED.vectorBitSize(), hasBytePermute());

    static FastScanKernels choose(int preferredBits, boolean bytePermute) {
        if (preferredBits >= 256 && bytePermute) return VectorFastScan256.INSTANCE;
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
