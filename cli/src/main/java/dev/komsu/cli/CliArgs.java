package dev.komsu.cli;

import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.Metric;
import java.util.Locale;

/** Parsing and checks of option values shared by several commands; errors name the option. */
final class CliArgs {
    private CliArgs() {
    }

    static Metric parseMetric(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "l2" -> Metric.L2;
            case "ip" -> Metric.INNER_PRODUCT;
            case "l1" -> Metric.L1;
            case "linf" -> Metric.LINF;
            default -> throw new IllegalArgumentException("--metric '" + s + "': expected l2, ip, l1 or linf");
        };
    }

    /** The thread count asked for, or every available processor. */
    static int threads(Integer threads) {
        if (threads == null) return Runtime.getRuntime().availableProcessors();
        InputErrors.checkPositive("--threads", threads);
        return threads;
    }

    /**
     * The backend asked for by {@code --backend}. A backend that cannot run here (OpenCL without
     * a device, or not in this build) is the user's choice to revisit: bad input, exit 2.
     */
    static ComputeBackend backend(String kind, int threads) {
        try {
            return Backends.select(kind, threads);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--backend: " + e.getMessage());
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException("--backend " + kind + ": " + e.getMessage());
        }
    }
}
