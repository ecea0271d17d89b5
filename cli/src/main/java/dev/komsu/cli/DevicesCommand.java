package dev.komsu.cli;

import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import picocli.CommandLine.Command;

/** {@code komsu devices}: the compute backends, the OpenCL devices found, and what {@code --backend auto} picks. */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "List compute backends and OpenCL devices, and what --backend auto picks.")
final class DevicesCommand extends CliCommand {
    @Override
    void execute() {
        int threads = Runtime.getRuntime().availableProcessors();
        out().println("cpu backends:");
        try (ComputeBackend cpu = Backends.cpu(threads); ComputeBackend scalar = Backends.scalar()) {
            out().println("  cpu     " + cpu.name() + " (" + threads + " threads)");
            out().println("  scalar  " + scalar.name() + " (reference implementation)");
        }
        out().println(Backends.describeDevices());
        try (ComputeBackend auto = Backends.select(Backends.Kind.AUTO, threads)) {
            out().println("--backend auto picks: " + auto.name());
        }
    }
}
