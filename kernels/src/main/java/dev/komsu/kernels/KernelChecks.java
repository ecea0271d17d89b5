package dev.komsu.kernels;

/** Argument checks shared by every backend, so all report bad input the same way. */
public final class KernelChecks {
    private KernelChecks() {
    }

    public static void checkK(int k) {
        if (k <= 0) throw new IllegalArgumentException("k must be > 0, got " + k);
    }

    public static void checkSameDim(String what, int expected, int actual) {
        if (expected != actual) {
            throw new IllegalArgumentException(what + " has dimension " + actual + ", expected " + expected);
        }
    }

    public static void checkKnn(FloatMatrix queries, FloatMatrix base, int k) {
        checkK(k);
        checkSameDim("queries", base.cols(), queries.cols());
        if (queries.rows() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many queries in one batch: " + queries.rows());
        }
    }

    public static void checkScanLists(FloatMatrix queries, VectorLists lists, int[] probes, int nprobe, int k) {
        checkK(k);
        checkSameDim("queries", lists.dim(), queries.cols());
        if (nprobe <= 0) throw new IllegalArgumentException("nprobe must be > 0, got " + nprobe);
        if (probes.length != queries.rows() * nprobe) {
            throw new IllegalArgumentException("probes has " + probes.length + " entries, expected nq*nprobe = "
                    + queries.rows() + "*" + nprobe);
        }
        for (int p : probes) {
            if (p < -1 || p >= lists.listCount()) {
                throw new IllegalArgumentException("probe list " + p + " out of range [0, " + lists.listCount() + ")");
            }
        }
    }

    /**
     * Checks the probe arguments of a batched list scan and returns the batch's query count
     * ({@code probes.length / nprobe}); {@code biases}, when not null, needs one entry per probe.
     */
    public static int checkProbes(int[] probes, int nprobe, int listCount, int biases, int k) {
        checkK(k);
        if (nprobe <= 0) throw new IllegalArgumentException("nprobe must be > 0, got " + nprobe);
        if (probes.length % nprobe != 0) {
            throw new IllegalArgumentException("probes has " + probes.length + " entries, not a multiple of nprobe " + nprobe);
        }
        if (biases >= 0 && biases != probes.length) {
            throw new IllegalArgumentException("biases has " + biases + " entries, expected one per probe: " + probes.length);
        }
        for (int p : probes) {
            if (p < -1 || p >= listCount) {
                throw new IllegalArgumentException("probe list " + p + " out of range [0, " + listCount + ")");
            }
        }
        return probes.length / nprobe;
    }
}
