package dev.komsu.cli;

import dev.komsu.Index;
import dev.komsu.index.IvfIndex;
import dev.komsu.kernels.ComputeBackend;
import picocli.CommandLine.Option;

/** The options of the commands that search an index (search, blend): a picocli mixin. */
final class SearchOptions {
    @Option(names = "--nprobe", paramLabel = "P", description = "IVF lists visited per query (default: the index file's, as faiss)")
    Integer nprobe;

    @Option(names = "--backend", defaultValue = "auto", paramLabel = "auto|cpu|opencl|scalar",
            description = "compute backend: auto, or a backend found on the class path (komsu devices lists them; default: ${DEFAULT-VALUE})")
    String backend;

    @Option(names = "--threads", paramLabel = "T", description = "threads (default: all processors)")
    Integer threads;

    /** Checks the values before any file is read. */
    void check() {
        if (nprobe != null) InputErrors.checkPositive("--nprobe", nprobe);
        CliArgs.threads(threads);
    }

    /** The backend asked for, with the threads asked for; the caller closes it. */
    ComputeBackend openBackend() {
        return CliArgs.backend(backend, CliArgs.threads(threads));
    }

    /** Says when the backend hands the index's metric to the CPU (OpenCL has no L1 / L-infinity kernels). */
    void noteCpuFallback(Index index, ComputeBackend backend, Reporting reporting) {
        if (!backend.computes(index.metric())) {
            reporting.note("backend " + backend.name() + " has no " + index.metric() + " kernels: searching on the CPU");
        }
    }

    /**
     * The nprobe asked for, or null when none was (the index then searches with its own, the
     * file's, as faiss); more than the index's nlist is clamped, as faiss does, and said so,
     * since a user who asks for 5000 lists of 1024 may have meant another index.
     */
    Integer nprobe(Index index, Reporting reporting) {
        if (nprobe == null) return null;
        IvfIndex ivf = IvfIndex.find(index);
        if (ivf != null && nprobe > ivf.nlist()) {
            reporting.note("nprobe " + nprobe + " clamped to nlist " + ivf.nlist());
            return ivf.nlist();
        }
        return nprobe;
    }
}
