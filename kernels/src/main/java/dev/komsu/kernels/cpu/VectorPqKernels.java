package dev.komsu.kernels.cpu;

import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.PqKernels;
import dev.komsu.kernels.TopK;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API {@link PqKernels}. Tables and PQ scans add in the same order as
 * {@link ScalarPqKernels} (lanes run over centroids or over codes, never over the terms of one
 * sum), so their results are bit-identical to the reference; the SQ8 scan sums lanes of one
 * vector and so differs from the reference by rounding only.
 */
public final class VectorPqKernels implements PqKernels {
    public static final VectorPqKernels INSTANCE = new VectorPqKernels();
    // Species are static final constants: C2 specialises only on constants (see DESIGN.md §6).
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(F.length() * 8));
    private static final int L = F.length();
    private static final ValueLayout.OfLong ID = ValueLayout.JAVA_LONG_UNALIGNED;

    private VectorPqKernels() {
    }

    @Override
    public void lookupTable(float[] query, float[] centroidsT, int m, int ksub, int dsub, Metric metric, float[] out) {
        PqChecks.checkLookupTable(query, centroidsT, m, ksub, dsub, out);
        int upper = F.loopBound(ksub);
        boolean l2 = metric == Metric.L2;
        for (int mi = 0; mi < m; mi++) {
            int row = mi * ksub;
            int qBase = mi * dsub;
            for (int j = 0; j < upper; j += L) {
                FloatVector acc = FloatVector.zero(F);
                for (int t = 0; t < dsub; t++) {
                    FloatVector c = FloatVector.fromArray(F, centroidsT, (qBase + t) * ksub + j);
                    if (l2) {
                        FloatVector diff = c.neg().add(query[qBase + t]);
                        acc = acc.add(diff.mul(diff));
                    } else {
                        acc = acc.add(c.mul(query[qBase + t]));
                    }
                }
                acc.intoArray(out, row + j);
            }
            for (int j = upper; j < ksub; j++) {
                float acc = 0f;
                for (int t = 0; t < dsub; t++) {
                    float q = query[qBase + t];
                    float c = centroidsT[(qBase + t) * ksub + j];
                    if (l2) {
                        float diff = q - c;
                        acc += diff * diff;
                    } else {
                        acc += q * c;
                    }
                }
                out[row + j] = acc;
            }
        }
    }

    @Override
    public void madd(int n, float[] a, int aOffset, float scale, float[] b, float[] out) {
        int upper = F.loopBound(n);
        int i = 0;
        for (; i < upper; i += L) {
            FloatVector.fromArray(F, a, aOffset + i).add(FloatVector.fromArray(F, b, i).mul(scale)).intoArray(out, i);
        }
        for (; i < n; i++) out[i] = a[aOffset + i] + scale * b[i];
    }

    @Override
    public void distances(MemorySegment codes, long n, int m, int nbits, float[] lut, float bias, float[] out) {
        PqChecks.checkCodes(codes, n, m, nbits, lut);
        scan(codes, null, n, m, nbits, lut, bias, null, null, out);
    }

    @Override
    public void scanCodes(MemorySegment codes, MemorySegment ids, long n, int m, int nbits, float[] lut, float bias,
                          Metric metric, TopK heap) {
        PqChecks.checkCodes(codes, n, m, nbits, lut);
        scan(codes, ids, n, m, nbits, lut, bias, metric, heap, null);
    }

    /**
     * L codes at a time: their table indices are transposed into {@code idx[mi * L + v]}, then
     * one gather per sub-quantiser adds the entries of all L codes. Either fills {@code out}
     * or feeds {@code heap}.
     */
    private static void scan(MemorySegment codes, MemorySegment ids, long n, int m, int nbits, float[] lut, float bias,
                             Metric metric, TopK heap, float[] out) {
        int codeSize = PqChecks.codeSize(m, nbits);
        byte[] block = new byte[L * codeSize];
        int[] idx = new int[L * m];
        float[] dist = new float[L];
        long full = n - n % L;
        for (long i0 = 0; i0 < full; i0 += L) {
            MemorySegment.copy(codes, ValueLayout.JAVA_BYTE, i0 * codeSize, block, 0, block.length);
            for (int v = 0; v < L; v++) {
                int cb = v * codeSize;
                if (nbits == 8) {
                    for (int mi = 0; mi < m; mi++) idx[mi * L + v] = mi * 256 + (block[cb + mi] & 0xff);
                } else {
                    for (int mi = 0; mi < m; mi++) {
                        int b = block[cb + (mi >> 1)] & 0xff;
                        idx[mi * L + v] = mi * 16 + ((mi & 1) == 0 ? b & 15 : b >>> 4);
                    }
                }
            }
            FloatVector acc = FloatVector.broadcast(F, bias);
            for (int mi = 0; mi < m; mi++) acc = acc.add(FloatVector.fromArray(F, lut, 0, idx, mi * L));
            if (out != null) {
                acc.intoArray(out, (int) i0);
            } else {
                acc.intoArray(dist, 0);
                for (int v = 0; v < L; v++) heap.offer(metric.toKey(dist[v]), ids.getAtIndex(ID, i0 + v));
            }
        }
        for (long i = full; i < n; i++) {
            float d = ScalarPqKernels.distance(codes, i * codeSize, m, nbits, lut, bias);
            if (out != null) {
                out[(int) i] = d;
            } else {
                heap.offer(metric.toKey(d), ids.getAtIndex(ID, i));
            }
        }
    }

    @Override
    public void scanSq8(MemorySegment codes, MemorySegment ids, long n, float[] query, float[] vmin, float[] vdiff,
                        float bias, Metric metric, TopK heap) {
        int d = query.length;
        PqChecks.checkSq8(codes, n, query, vmin, vdiff);
        int upper = F.loopBound(d);
        boolean l2 = metric == Metric.L2;
        for (long i = 0; i < n; i++) {
            long off = i * d;
            FloatVector acc = FloatVector.zero(F);
            int c = 0;
            for (; c < upper; c += L) {
                ByteVector bytes = ByteVector.fromMemorySegment(B, codes, off + c, ByteOrder.LITTLE_ENDIAN);
                IntVector ints = ((IntVector) bytes.convertShape(VectorOperators.B2I, I, 0)).and(0xff);
                FloatVector unit = ((FloatVector) ints.convertShape(VectorOperators.I2F, F, 0)).add(0.5f).div(255f);
                FloatVector x = FloatVector.fromArray(F, vmin, c).add(unit.mul(FloatVector.fromArray(F, vdiff, c)));
                FloatVector q = FloatVector.fromArray(F, query, c);
                if (l2) {
                    FloatVector diff = q.sub(x);
                    acc = acc.add(diff.mul(diff));
                } else {
                    acc = acc.add(q.mul(x));
                }
            }
            float s = acc.reduceLanes(VectorOperators.ADD);
            for (; c < d; c++) {
                float x = vmin[c] + (((codes.get(ValueLayout.JAVA_BYTE, off + c) & 0xff) + 0.5f) / 255f) * vdiff[c];
                s += l2 ? (query[c] - x) * (query[c] - x) : query[c] * x;
            }
            heap.offer(metric.toKey(bias + s), ids.getAtIndex(ID, i));
        }
    }

    @Override
    public void gatherDistances(float[] query, FloatMatrix base, long[] rows, int count, Metric metric, float[] out) {
        PqChecks.checkGather(query, base, rows, count, out);
        for (int i = 0; i < count; i++) out[i] = CpuBackend.distance(metric, query, base.segment(), base.rowOffset(rows[i]));
    }
}
