package dev.komsu.kernels.scalar;

import java.lang.foreign.MemorySegment;

/** Argument checks shared by the PQ/SQ kernels, so both implementations reject bad input alike. */
public final class PqChecks {
    private PqChecks() {
    }

    public static int codeSize(int m, int nbits) {
        return (m * nbits + 7) / 8;
    }

    public static void checkLookupTable(float[] query, float[] centroidsT, int m, int ksub, int dsub, float[] out) {
        if (m <= 0 || ksub <= 0 || dsub <= 0) {
            throw new IllegalArgumentException("m, ksub and dsub must be > 0, got m=" + m + " ksub=" + ksub + " dsub=" + dsub);
        }
        if (query.length < m * dsub) {
            throw new IllegalArgumentException("query has " + query.length + " values, expected m*dsub = " + m * dsub);
        }
        if (centroidsT.length < m * ksub * dsub) {
            throw new IllegalArgumentException("codebooks have " + centroidsT.length + " values, expected m*ksub*dsub = "
                    + (long) m * ksub * dsub);
        }
        if (out.length < m * ksub) {
            throw new IllegalArgumentException("table has " + out.length + " entries, expected m*ksub = " + m * ksub);
        }
    }

    public static void checkLookupTables(float[] points, int from, int n, float[] centroidsT, int k, int d, float[] out) {
        if (n < 0 || from < 0 || k <= 0 || d <= 0) {
            throw new IllegalArgumentException("from and n must be >= 0, k and d > 0, got from=" + from + " n=" + n
                    + " k=" + k + " d=" + d);
        }
        if (points.length < ((long) from + n) * d) {
            throw new IllegalArgumentException("points has " + points.length + " values, expected (from+n)*d = "
                    + ((long) from + n) * d);
        }
        if (centroidsT.length < (long) k * d) {
            throw new IllegalArgumentException("codebook has " + centroidsT.length + " values, expected k*d = " + (long) k * d);
        }
        if (out.length < (long) n * k) {
            throw new IllegalArgumentException("tables have " + out.length + " entries, expected n*k = " + (long) n * k);
        }
    }

    public static void checkArgmin(float[] table, int m, int ksub, int[] out) {
        if (m <= 0 || ksub <= 0) throw new IllegalArgumentException("m and ksub must be > 0, got m=" + m + " ksub=" + ksub);
        if (table.length < (long) m * ksub) {
            throw new IllegalArgumentException("table has " + table.length + " entries, expected m*ksub = " + (long) m * ksub);
        }
        if (out.length < m) throw new IllegalArgumentException("out has " + out.length + " entries, expected m = " + m);
    }

    public static void checkCodes(MemorySegment codes, long n, int m, int nbits, float[] lut) {
        if (nbits != 8 && nbits != 4) throw new IllegalArgumentException("nbits must be 4 or 8, got " + nbits);
        if (m <= 0) throw new IllegalArgumentException("m must be > 0, got " + m);
        if (lut.length < m << nbits) {
            throw new IllegalArgumentException("table has " + lut.length + " entries, expected m*ksub = " + (m << nbits));
        }
        long need = n * codeSize(m, nbits);
        if (n < 0 || codes.byteSize() < need) {
            throw new IllegalArgumentException("codes hold " + codes.byteSize() + " bytes, expected " + need
                    + " for " + n + " codes");
        }
    }

    public static void checkSq8(MemorySegment codes, long n, float[] query, float[] vmin, float[] vdiff) {
        int d = query.length;
        if (vmin.length != d || vdiff.length != d) {
            throw new IllegalArgumentException("vmin/vdiff have " + vmin.length + "/" + vdiff.length
                    + " values, the query has " + d);
        }
        if (n < 0 || codes.byteSize() < n * d) {
            throw new IllegalArgumentException("codes hold " + codes.byteSize() + " bytes, expected " + n * d
                    + " for " + n + " codes of " + d + " bytes");
        }
    }

    public static void checkGatherSq8(MemorySegment codes, float[] query, long[] rows, int count, float[] vmin,
                                      float[] vdiff, float[] out) {
        int d = query.length;
        if (vmin.length != d || vdiff.length != d) {
            throw new IllegalArgumentException("vmin/vdiff have " + vmin.length + "/" + vdiff.length
                    + " values, the query has " + d);
        }
        if (count < 0 || count > rows.length || count > out.length) {
            throw new IllegalArgumentException("count " + count + " exceeds rows (" + rows.length + ") or out (" + out.length + ")");
        }
        long n = d == 0 ? 0 : codes.byteSize() / d;
        for (int i = 0; i < count; i++) {
            if (rows[i] < 0 || rows[i] >= n) {
                throw new IllegalArgumentException("row " + rows[i] + " out of range [0, " + n + ") of the SQ8 codes");
            }
        }
    }

    public static void checkGather(float[] query, dev.komsu.kernels.FloatMatrix base, long[] rows, int count, float[] out) {
        if (query.length != base.cols()) {
            throw new IllegalArgumentException("query has dimension " + query.length + ", the vectors " + base.cols());
        }
        if (count < 0 || count > rows.length || count > out.length) {
            throw new IllegalArgumentException("count " + count + " exceeds rows (" + rows.length + ") or out (" + out.length + ")");
        }
        for (int i = 0; i < count; i++) {
            if (rows[i] < 0 || rows[i] >= base.rows()) {
                throw new IllegalArgumentException("row " + rows[i] + " out of range [0, " + base.rows() + ")");
            }
        }
    }
}
