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

    /** {@link #checkKnn} and that {@code norms} were made for {@code base} and {@code metric}. */
    public static void checkKnn(FloatMatrix queries, FloatMatrix base, BaseNorms norms, int k, Metric metric) {
        checkKnn(queries, base, k);
        if (!norms.fits(base, metric)) {
            throw new IllegalArgumentException("norms made for " + norms.rows() + " x " + norms.dim() + " " + norms.metric()
                    + " do not fit a base of " + base.rows() + " x " + base.cols() + " searched with " + metric);
        }
    }

    /** Whether {@link BaseNorms} can be kept for {@code base} (one heap float per row). */
    public static boolean normsFit(FloatMatrix base) {
        return base.rows() <= Integer.MAX_VALUE - 8;
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

    /**
     * Checks the arguments of a batched refine ({@link Refiner#refine}) and returns the batch's
     * query count.
     */
    public static int checkRefine(FloatMatrix queries, FloatMatrix base, long[] candidates, int kIn, int k) {
        checkK(k);
        if (kIn <= 0) throw new IllegalArgumentException("kIn must be > 0, got " + kIn);
        checkSameDim("queries", base.cols(), queries.cols());
        if (candidates.length != queries.rows() * kIn) {
            throw new IllegalArgumentException("candidates has " + candidates.length + " entries, expected nq*kIn = "
                    + queries.rows() + "*" + kIn);
        }
        for (long c : candidates) {
            if (c < -1 || c >= base.rows()) {
                throw new IllegalArgumentException("candidate row " + c + " out of range [0, " + base.rows() + ")");
            }
        }
        return Math.toIntExact(queries.rows());
    }

    /**
     * Checks the tables and outputs of a batched FastScan ({@link FastScanListScanner#scan}) of
     * {@code nq} queries whose tables have {@code tableBytes} bytes each.
     */
    public static void checkFastScanBatch(byte[] luts, int tables, int nprobe, int nq, int tableBytes, int k,
                                          int[] outKeys, long[] outIds) {
        if (tables != 1 && tables != nprobe) {
            throw new IllegalArgumentException("tables per query must be 1 or nprobe (" + nprobe + "), got " + tables);
        }
        long need = (long) nq * tables * tableBytes;
        if (luts.length != need) {
            throw new IllegalArgumentException("lookup tables have " + luts.length + " bytes, expected nq*tables*m2*16 = "
                    + need);
        }
        if (outKeys.length < (long) nq * k || outIds.length < (long) nq * k) {
            throw new IllegalArgumentException("outputs hold " + Math.min(outKeys.length, outIds.length)
                    + " entries, need nq*k = " + (long) nq * k);
        }
    }
}
