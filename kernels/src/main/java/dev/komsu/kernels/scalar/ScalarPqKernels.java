package dev.komsu.kernels.scalar;

import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.GatherSummation;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.PqKernels;
import dev.komsu.kernels.TopK;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The plain-loop reference of {@link PqKernels}; the Vector API version must match it. */
public final class ScalarPqKernels implements PqKernels {
    public static final ScalarPqKernels INSTANCE = new ScalarPqKernels();
    private static final ValueLayout.OfLong ID = ValueLayout.JAVA_LONG_UNALIGNED;

    private ScalarPqKernels() {
    }

    @Override
    public void lookupTable(float[] query, float[] centroidsT, int m, int ksub, int dsub, Metric metric, float[] out) {
        PqChecks.checkLookupTable(query, centroidsT, m, ksub, dsub, out);
        for (int mi = 0; mi < m; mi++) table(query, mi * dsub, centroidsT, mi * dsub, ksub, dsub, metric, out, mi * ksub);
    }

    @Override
    public void lookupTables(float[] points, int from, int n, float[] centroidsT, int k, int d, Metric metric, float[] out) {
        PqChecks.checkLookupTables(points, from, n, centroidsT, k, d, out);
        for (int i = 0; i < n; i++) table(points, (from + i) * d, centroidsT, 0, k, d, metric, out, i * k);
    }

    /** One table row: query components {@code query[qOff ..]} against codebook rows {@code cRow ..}. */
    private static void table(float[] query, int qOff, float[] centroidsT, int cRow, int ksub, int dsub, Metric metric,
            float[] out, int row) {
        for (int j = 0; j < ksub; j++) out[row + j] = 0f;
        for (int t = 0; t < dsub; t++) {
            float q = query[qOff + t];
            int base = (cRow + t) * ksub;
            for (int j = 0; j < ksub; j++) {
                float c = centroidsT[base + j];
                if (metric == Metric.L2) {
                    float diff = q - c;
                    out[row + j] += diff * diff;
                } else {
                    out[row + j] += q * c;
                }
            }
        }
    }

    @Override
    public void argmin(float[] table, int m, int ksub, int[] out) {
        PqChecks.checkArgmin(table, m, ksub, out);
        for (int mi = 0; mi < m; mi++) out[mi] = argmin(table, mi * ksub, ksub);
    }

    /** The first index of the smallest of {@code table[from .. from+n)}, relative to {@code from}. */
    public static int argmin(float[] table, int from, int n) {
        int best = 0;
        float bestValue = table[from];
        for (int j = 1; j < n; j++) {
            float v = table[from + j];
            if (v < bestValue) {
                bestValue = v;
                best = j;
            }
        }
        return best;
    }

    @Override
    public void madd(int n, float[] a, int aOffset, float scale, float[] b, float[] out) {
        for (int i = 0; i < n; i++) out[i] = a[aOffset + i] + scale * b[i];
    }

    @Override
    public void distances(MemorySegment codes, long n, int m, int nbits, float[] lut, float bias, float[] out) {
        PqChecks.checkCodes(codes, n, m, nbits, lut);
        int codeSize = PqChecks.codeSize(m, nbits);
        for (long i = 0; i < n; i++) out[(int) i] = distance(codes, i * codeSize, m, nbits, lut, bias);
    }

    @Override
    public void scanCodes(MemorySegment codes, MemorySegment ids, long n, int m, int nbits, float[] lut, float bias,
                          Metric metric, TopK heap) {
        PqChecks.checkCodes(codes, n, m, nbits, lut);
        int codeSize = PqChecks.codeSize(m, nbits);
        for (long i = 0; i < n; i++) {
            float d = distance(codes, i * codeSize, m, nbits, lut, bias);
            heap.offer(metric.toKey(d), ids.getAtIndex(ID, i));
        }
    }

    static float distance(MemorySegment codes, long offset, int m, int nbits, float[] lut, float bias) {
        float d = bias;
        if (nbits == 8) {
            for (int mi = 0; mi < m; mi++) d += lut[mi * 256 + (codes.get(ValueLayout.JAVA_BYTE, offset + mi) & 0xff)];
        } else {
            for (int mi = 0; mi < m; mi++) {
                int b = codes.get(ValueLayout.JAVA_BYTE, offset + (mi >> 1)) & 0xff;
                d += lut[mi * 16 + ((mi & 1) == 0 ? b & 15 : b >>> 4)];
            }
        }
        return d;
    }

    @Override
    public void scanSq8(MemorySegment codes, MemorySegment ids, long n, float[] query, float[] vmin, float[] vdiff,
                        float bias, Metric metric, TopK heap) {
        int d = query.length;
        PqChecks.checkSq8(codes, n, query, vmin, vdiff);
        for (long i = 0; i < n; i++) {
            heap.offer(metric.toKey(bias + sq8Distance(query, codes, i * d, vmin, vdiff, metric)), ids.getAtIndex(ID, i));
        }
    }

    /** faiss's scalar SQ distance computer: each component decoded, then accumulated in component order. */
    @Override
    public void gatherSq8Distances(float[] query, MemorySegment codes, long[] rows, int count, float[] vmin,
                                   float[] vdiff, Metric metric, float[] out) {
        PqChecks.checkGatherSq8(codes, query, rows, count, vmin, vdiff, out);
        int d = query.length;
        for (int i = 0; i < count; i++) {
            out[i] = sq8Distance(query, codes, rows[i] * d, vmin, vdiff, metric);
        }
    }

    /**
     * faiss's QT_8bit decode of the code at {@code codes[off ..]}, each component decoded then
     * accumulated in component order: squared L2 to, or the dot product with, {@code query}.
     */
    private static float sq8Distance(float[] query, MemorySegment codes, long off, float[] vmin, float[] vdiff,
                                     Metric metric) {
        int d = query.length;
        float acc = 0f;
        for (int c = 0; c < d; c++) {
            float x = vmin[c] + (((codes.get(ValueLayout.JAVA_BYTE, off + c) & 0xff) + 0.5f) / 255f) * vdiff[c];
            if (metric == Metric.L2) {
                float diff = query[c] - x;
                acc += diff * diff;
            } else {
                acc += query[c] * x;
            }
        }
        return acc;
    }

    @Override
    public void gatherDistances(float[] query, FloatMatrix base, long[] rows, int count, Metric metric, float[] out) {
        PqChecks.checkGather(query, base, rows, count, out);
        for (int i = 0; i < count; i++) out[i] = ScalarBackend.distance(metric, query, base.segment(), base.rowOffset(rows[i]));
    }

    @Override
    public GatherSummation gatherSummation() {
        return GatherSummation.SEQUENTIAL;
    }
}
