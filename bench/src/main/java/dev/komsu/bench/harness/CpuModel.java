package dev.komsu.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The CPU a run measured on, in words for plot titles and run.json: "AMD EPYC, 2 vCPUs, AVX2".
 * Figures from different CPUs of this project differ by up to 2x (an AVX2 EPYC and an AVX-512
 * Xeon have both been seen), so every plot names its CPU.
 */
public final class CpuModel {
    private CpuModel() {
    }

    /** This machine's CPU from /proc/cpuinfo, or empty where there is none (not Linux). */
    public static Optional<String> here() {
        try {
            return Optional.ofNullable(describe(Files.readString(Path.of("/proc/cpuinfo")), Runtime.getRuntime().availableProcessors()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The first "model name", the vCPU count and the widest SIMD flag of a cpuinfo text; null without a model name. */
    static String describe(String cpuinfo, int vcpus) {
        String model = null;
        String flags = "";
        for (String line : cpuinfo.lines().toList()) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            if (model == null && key.equals("model name")) model = value.replaceAll("\\s+", " ");
            if (flags.isEmpty() && key.equals("flags")) flags = " " + value + " ";
        }
        if (model == null) return null;
        String simd = flags.contains(" avx512f ") ? (flags.contains(" avx512vbmi ") ? "AVX-512 + VBMI" : "AVX-512")
                : flags.contains(" avx2 ") ? "AVX2" : "no AVX2";
        return model + ", " + vcpus + " vCPU" + (vcpus == 1 ? "" : "s") + ", " + simd;
    }
}
