package dev.komsu.kernels.cpu;

import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.GatherSummation;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.PqKernels;
import dev.komsu.kernels.TopK;
import dev.komsu.kernels.scalar.PqChecks;
import dev.komsu.kernels.scalar.ScalarPqKernels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast CPU {@link PqKernels}. Lookup tables run lanes over centroids and the PQ scans are
 * blocked array loops (see {@link #scan}), both adding in the reference's order, so their
 * results are bit-identical to {@link ScalarPqKernels}; the SQ8 scan runs lanes over the
 * components of one vector with the decode folded into the query ({@link #scanSq8}) and
 * differs from the reference by rounding only.
 */
public final class VectorPqKernels implements PqKernels {
    public static final VectorPqKernels INSTANCE = new VectorPqKernels();
    // Species are static final constants: C2 specialises only on constants (see DESIGN.md §6).
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(F.length() * 8));
    private static final int L = F.length();
    private static final IntVector LANE_INDEX = IntVector.zero(I).addIndex(1);
    /** Codes copied per block in the PQ scans: fits L1 with room for the table. */
    private static final int BLOCK_BYTES = 8192;
    private static final ValueLayout.OfLong ID = ValueLayout.JAVA_LONG_UNALIGNED;

    private VectorPqKernels() {
    }

    @Override
    public void lookupTable(float[] query, float[] centroidsT, int m, int ksub, int dsub, Metric metric, float[] out) {
        PqChecks.checkLookupTable(query, centroidsT, m, ksub, dsub, out);
        for (int mi = 0; mi < m; mi++) table(query, mi * dsub, centroidsT, mi * dsub, ksub, dsub, metric == Metric.L2, out, mi * ksub);
    }

    @Override
    public void lookupTables(float[] points, int from, int n, float[] centroidsT, int k, int d, Metric metric, float[] out) {
        PqChecks.checkLookupTables(points, from, n, centroidsT, k, d, out);
        for (int i = 0; i < n; i++) table(points, (from + i) * d, centroidsT, 0, k, d, metric == Metric.L2, out, i * k);
    }

    /**
     * One table row: the query's {@code dsub} components at {@code query[qOff ..]} against the
     * {@code ksub} centroids whose component t is at {@code centroidsT[(cRow + t) * ksub ..]},
     * into {@code out[row ..]}.
     */
    private static void table(float[] query, int qOff, float[] centroidsT, int cRow, int ksub, int dsub, boolean l2,
            float[] out, int row) {
        int upper = F.loopBound(ksub);
        int upper4 = upper - upper % (4 * L);
        for (int j = 0; j < upper4; j += 4 * L) tableFour(query, qOff, centroidsT, cRow, ksub, dsub, j, l2, out, row + j);
        for (int j = upper4; j < upper; j += L) {
            FloatVector acc = FloatVector.zero(F);
            for (int t = 0; t < dsub; t++) {
                FloatVector c = FloatVector.fromArray(F, centroidsT, (cRow + t) * ksub + j);
                if (l2) {
                    FloatVector diff = c.neg().add(query[qOff + t]);
                    acc = acc.add(diff.mul(diff));
                } else {
                    acc = acc.add(c.mul(query[qOff + t]));
                }
            }
            acc.intoArray(out, row + j);
        }
        for (int j = upper; j < ksub; j++) {
            float acc = 0f;
            for (int t = 0; t < dsub; t++) {
                float q = query[qOff + t];
                float c = centroidsT[(cRow + t) * ksub + j];
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

    /**
     * Table entries {@code j .. j+4L} of one row: four independent sums, so the adds overlap
     * instead of each component waiting on one sum's add latency. Each entry is still added in
     * component order, as in the one-vector loop.
     */
    private static void tableFour(float[] query, int qOff, float[] centroidsT, int cRow, int ksub, int dsub, int j,
            boolean l2, float[] out, int at) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        for (int t = 0; t < dsub; t++) {
            int c = (cRow + t) * ksub + j;
            float q = query[qOff + t];
            FloatVector c0 = FloatVector.fromArray(F, centroidsT, c);
            FloatVector c1 = FloatVector.fromArray(F, centroidsT, c + L);
            FloatVector c2 = FloatVector.fromArray(F, centroidsT, c + 2 * L);
            FloatVector c3 = FloatVector.fromArray(F, centroidsT, c + 3 * L);
            if (l2) {
                c0 = c0.neg().add(q);
                c1 = c1.neg().add(q);
                c2 = c2.neg().add(q);
                c3 = c3.neg().add(q);
                a0 = a0.add(c0.mul(c0));
                a1 = a1.add(c1.mul(c1));
                a2 = a2.add(c2.mul(c2));
                a3 = a3.add(c3.mul(c3));
            } else {
                a0 = a0.add(c0.mul(q));
                a1 = a1.add(c1.mul(q));
                a2 = a2.add(c2.mul(q));
                a3 = a3.add(c3.mul(q));
            }
        }
        a0.intoArray(out, at);
        a1.intoArray(out, at + L);
        a2.intoArray(out, at + 2 * L);
        a3.intoArray(out, at + 3 * L);
    }

    /**
     * Lanes over the row: each lane keeps its smallest value and, with a strict {@code <} in
     * index order, the first index reaching it; then the smallest index among the lanes holding
     * the row's minimum. A minimum is exact and order-free for numbers (+0 and -0 compare
     * equal, as in the scalar scan), so this is the reference's index; a row with a NaN, where
     * a lane-wise minimum is not, goes to the reference loop.
     */
    @Override
    public void argmin(float[] table, int m, int ksub, int[] out) {
        PqChecks.checkArgmin(table, m, ksub, out);
        if (ksub % L != 0) {
            ScalarPqKernels.INSTANCE.argmin(table, m, ksub, out);
            return;
        }
        for (int mi = 0; mi < m; mi++) {
            int o = mi * ksub;
            FloatVector best = FloatVector.fromArray(F, table, o);
            IntVector index = LANE_INDEX;
            for (int j = L; j < ksub; j += L) {
                FloatVector v = FloatVector.fromArray(F, table, o + j);
                VectorMask<Float> less = v.compare(VectorOperators.LT, best);
                best = best.blend(v, less);
                index = index.blend(LANE_INDEX.add(j), less.cast(I));
            }
            float min = best.reduceLanes(VectorOperators.MIN);
            VectorMask<Float> at = best.compare(VectorOperators.EQ, min);
            out[mi] = at.anyTrue()
                    ? index.blend(Integer.MAX_VALUE, at.not().cast(I)).reduceLanes(VectorOperators.MIN)
                    : ScalarPqKernels.argmin(table, o, ksub);
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
     * Codes are copied in blocks onto the heap and summed with plain array loads, in the
     * reference's order. A Vector API version (L codes at a time, one gather per
     * sub-quantiser) was measured slower than the scalar loop on this AVX-512 machine
     * (PqKernelsBenchmark, M=16: 787 vs 515 us per 10 000 codes; M=64: 4223 vs 1716 us), so
     * the gain here comes from avoiding per-byte segment reads. Either fills {@code out} or
     * feeds {@code heap}.
     */
    private static void scan(MemorySegment codes, MemorySegment ids, long n, int m, int nbits, float[] lut, float bias,
                             Metric metric, TopK heap, float[] out) {
        int codeSize = PqChecks.codeSize(m, nbits);
        int perBlock = Math.max(1, BLOCK_BYTES / codeSize);
        byte[] block = new byte[perBlock * codeSize];
        for (long i0 = 0; i0 < n; i0 += perBlock) {
            int count = (int) Math.min(perBlock, n - i0);
            MemorySegment.copy(codes, ValueLayout.JAVA_BYTE, i0 * codeSize, block, 0, count * codeSize);
            int v = 0;
            if (nbits == 8) {
                // four codes at once: four independent sums keep the adders busy, each in reference order
                for (; v + 4 <= count; v += 4) {
                    int c0 = v * codeSize;
                    int c1 = c0 + codeSize;
                    int c2 = c1 + codeSize;
                    int c3 = c2 + codeSize;
                    float d0 = bias;
                    float d1 = bias;
                    float d2 = bias;
                    float d3 = bias;
                    for (int mi = 0; mi < m; mi++) {
                        int row = mi << 8;
                        d0 += lut[row + (block[c0 + mi] & 0xff)];
                        d1 += lut[row + (block[c1 + mi] & 0xff)];
                        d2 += lut[row + (block[c2 + mi] & 0xff)];
                        d3 += lut[row + (block[c3 + mi] & 0xff)];
                    }
                    emit(d0, i0 + v, ids, metric, heap, out);
                    emit(d1, i0 + v + 1, ids, metric, heap, out);
                    emit(d2, i0 + v + 2, ids, metric, heap, out);
                    emit(d3, i0 + v + 3, ids, metric, heap, out);
                }
            }
            for (; v < count; v++) {
                int cb = v * codeSize;
                float d = bias;
                if (nbits == 8) {
                    for (int mi = 0; mi < m; mi++) d += lut[(mi << 8) + (block[cb + mi] & 0xff)];
                } else {
                    for (int mi = 0; mi < m; mi++) {
                        int b = block[cb + (mi >> 1)] & 0xff;
                        d += lut[(mi << 4) + ((mi & 1) == 0 ? b & 15 : b >>> 4)];
                    }
                }
                emit(d, i0 + v, ids, metric, heap, out);
            }
        }
    }

    private static void emit(float d, long i, MemorySegment ids, Metric metric, TopK heap, float[] out) {
        if (out != null) {
            out[(int) i] = d;
        } else {
            float key = metric.toKey(d);
            if (key <= heap.threshold()) heap.offer(key, ids.getAtIndex(ID, i));
        }
    }

    /**
     * The decode {@code vmin + ((c + 0.5) / 255) * vdiff} is folded into the query once per call:
     * with {@code step = vdiff / 255}, L2 is {@code sum (a - c*step)^2} for
     * {@code a = q - vmin - 0.5*step}, and the inner product {@code const + sum c*(q*step)}. Per
     * component that leaves a byte widening and one multiply-add instead of an add, a divide and
     * a multiply-add; the results differ from faiss's formula by rounding only (the conformance
     * test bounds it at 1e-5 relative).
     */
    @Override
    public void scanSq8(MemorySegment codes, MemorySegment ids, long n, float[] query, float[] vmin, float[] vdiff,
                        float bias, Metric metric, TopK heap) {
        int d = query.length;
        PqChecks.checkSq8(codes, n, query, vmin, vdiff);
        boolean l2 = metric == Metric.L2;
        float[] a = new float[d];     // L2: q - vmin - 0.5*step; IP: q * step
        float[] step = new float[d];  // L2: vdiff / 255
        float constant = 0f;          // IP: <q, vmin + 0.5*step>
        for (int j = 0; j < d; j++) {
            float st = vdiff[j] / 255f;
            float base = vmin[j] + 0.5f * st;
            if (l2) {
                a[j] = query[j] - base;
                step[j] = st;
            } else {
                a[j] = query[j] * st;
                constant += query[j] * base;
            }
        }
        int upper = F.loopBound(d);
        float[] lanes = new float[L];
        for (long i = 0; i < n; i++) {
            long off = i * d;
            FloatVector acc = FloatVector.zero(F);
            int c = 0;
            for (; c < upper; c += L) {
                ByteVector bytes = ByteVector.fromMemorySegment(B, codes, off + c, ByteOrder.LITTLE_ENDIAN);
                IntVector ints = ((IntVector) bytes.convertShape(VectorOperators.B2I, I, 0)).and(0xff);
                FloatVector code = (FloatVector) ints.convertShape(VectorOperators.I2F, F, 0);
                FloatVector av = FloatVector.fromArray(F, a, c);
                if (l2) {
                    FloatVector diff = code.mul(FloatVector.fromArray(F, step, c).neg()).add(av);
                    acc = diff.fma(diff, acc);
                } else {
                    acc = code.fma(av, acc);
                }
            }
            // Lanes are added in a fixed order: reduceLanes' order differs between the interpreter
            // and C2, which made one search give distances a few ulps apart over time.
            acc.intoArray(lanes, 0);
            float s = l2 ? 0f : constant;
            for (float v : lanes) s += v;
            for (; c < d; c++) {
                int code = codes.get(ValueLayout.JAVA_BYTE, off + c) & 0xff;
                if (l2) {
                    float diff = a[c] - code * step[c];
                    s += diff * diff;
                } else {
                    s += code * a[c];
                }
            }
            heap.offer(metric.toKey(bias + s), ids.getAtIndex(ID, i));
        }
    }

    /**
     * Lanes over components, four codes at a time: each block of components loads the query,
     * vmin and {@code step = vdiff / 255} once for the four (one division instead of four; a
     * division per component per code cost a third of the QPS) and keeps four independent
     * accumulator chains. A component decodes to {@code vmin + (c + 0.5) * step}, faiss's value
     * up to rounding. A code's distance is the same alone or in a group of four, bit for bit
     * (see {@link #sq8Row}), so callers may pad a batch with repeats.
     */
    @Override
    public void gatherSq8Distances(float[] query, MemorySegment codes, long[] rows, int count, float[] vmin,
                                   float[] vdiff, Metric metric, float[] out) {
        PqChecks.checkGatherSq8(codes, query, rows, count, vmin, vdiff, out);
        int d = query.length;
        boolean l2 = metric == Metric.L2;
        int upper = F.loopBound(d);
        float[] lanes = new float[L];
        int i = 0;
        for (; i + 4 <= count; i += 4) {
            long o0 = rows[i] * d;
            long o1 = rows[i + 1] * d;
            long o2 = rows[i + 2] * d;
            long o3 = rows[i + 3] * d;
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            for (int c = 0; c < upper; c += L) {
                FloatVector q = FloatVector.fromArray(F, query, c);
                FloatVector lo = FloatVector.fromArray(F, vmin, c);
                FloatVector step = FloatVector.fromArray(F, vdiff, c).div(255f);
                a0 = sq8Step(l2, q, lo, step, codes, o0 + c, a0);
                a1 = sq8Step(l2, q, lo, step, codes, o1 + c, a1);
                a2 = sq8Step(l2, q, lo, step, codes, o2 + c, a2);
                a3 = sq8Step(l2, q, lo, step, codes, o3 + c, a3);
            }
            out[i] = sq8Finish(l2, a0, query, vmin, vdiff, codes, o0, upper, lanes);
            out[i + 1] = sq8Finish(l2, a1, query, vmin, vdiff, codes, o1, upper, lanes);
            out[i + 2] = sq8Finish(l2, a2, query, vmin, vdiff, codes, o2, upper, lanes);
            out[i + 3] = sq8Finish(l2, a3, query, vmin, vdiff, codes, o3, upper, lanes);
        }
        for (; i < count; i++) out[i] = sq8Row(l2, query, vmin, vdiff, codes, rows[i] * d, upper, lanes);
    }

    /** One code alone: the same steps as one chain of the four-code loop. */
    private static float sq8Row(boolean l2, float[] query, float[] vmin, float[] vdiff, MemorySegment codes, long off,
                                int upper, float[] lanes) {
        FloatVector acc = FloatVector.zero(F);
        for (int c = 0; c < upper; c += L) {
            FloatVector step = FloatVector.fromArray(F, vdiff, c).div(255f);
            acc = sq8Step(l2, FloatVector.fromArray(F, query, c), FloatVector.fromArray(F, vmin, c), step, codes, off + c, acc);
        }
        return sq8Finish(l2, acc, query, vmin, vdiff, codes, off, upper, lanes);
    }

    private static FloatVector sq8Step(boolean l2, FloatVector q, FloatVector lo, FloatVector step, MemorySegment codes,
                                       long at, FloatVector acc) {
        ByteVector bytes = ByteVector.fromMemorySegment(B, codes, at, ByteOrder.LITTLE_ENDIAN);
        IntVector ints = ((IntVector) bytes.convertShape(VectorOperators.B2I, I, 0)).and(0xff);
        FloatVector x = ((FloatVector) ints.convertShape(VectorOperators.I2F, F, 0)).add(0.5f).mul(step).add(lo);
        if (!l2) return q.fma(x, acc);
        FloatVector diff = q.sub(x);
        return diff.fma(diff, acc);
    }

    // The lanes summed in order (see scanSq8), then the components from c on.
    private static float sq8Finish(boolean l2, FloatVector acc, float[] query, float[] vmin, float[] vdiff,
                                   MemorySegment codes, long off, int c, float[] lanes) {
        acc.intoArray(lanes, 0);
        float s = 0f;
        for (float v : lanes) s += v;
        for (; c < query.length; c++) {
            float x = vmin[c] + ((codes.get(ValueLayout.JAVA_BYTE, off + c) & 0xff) + 0.5f) * (vdiff[c] / 255f);
            s += l2 ? (query[c] - x) * (query[c] - x) : query[c] * x;
        }
        return s;
    }

    @Override
    public void gatherDistances(float[] query, FloatMatrix base, long[] rows, int count, Metric metric, float[] out) {
        PqChecks.checkGather(query, base, rows, count, out);
        float[] lanes = new float[L];
        MemorySegment seg = base.segment();
        if (metric.isElementwise()) { // the same element-wise scan, and sums, as this backend's knn
            float[] laneSums = new float[ElementwiseScan.LANES];
            for (int i = 0; i < count; i++) out[i] = ElementwiseScan.distance(metric, query, seg, base.rowOffset(rows[i]), laneSums);
            return;
        }
        int i = 0;
        // Four rows at a time: four independent accumulator chains instead of one latency-bound
        // chain, each summed in the same order as distance() (results unchanged, bit for bit).
        for (; i + 4 <= count; i += 4) {
            distances4(metric == Metric.L2, query, seg, base.rowOffset(rows[i]), base.rowOffset(rows[i + 1]),
                    base.rowOffset(rows[i + 2]), base.rowOffset(rows[i + 3]), lanes, out, i);
        }
        for (; i < count; i++) out[i] = distance(metric, query, seg, base.rowOffset(rows[i]), lanes);
    }

    private static void distances4(boolean l2, float[] q, MemorySegment seg, long o0, long o1, long o2, long o3,
                                   float[] lanes, float[] out, int at) {
        int d = q.length;
        int upper = F.loopBound(d);
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        for (int c = 0; c < upper; c += L) {
            FloatVector x = FloatVector.fromArray(F, q, c);
            long b = (long) c * Float.BYTES;
            FloatVector y0 = FloatVector.fromMemorySegment(F, seg, o0 + b, ByteOrder.LITTLE_ENDIAN);
            FloatVector y1 = FloatVector.fromMemorySegment(F, seg, o1 + b, ByteOrder.LITTLE_ENDIAN);
            FloatVector y2 = FloatVector.fromMemorySegment(F, seg, o2 + b, ByteOrder.LITTLE_ENDIAN);
            FloatVector y3 = FloatVector.fromMemorySegment(F, seg, o3 + b, ByteOrder.LITTLE_ENDIAN);
            if (l2) {
                FloatVector e0 = x.sub(y0);
                FloatVector e1 = x.sub(y1);
                FloatVector e2 = x.sub(y2);
                FloatVector e3 = x.sub(y3);
                a0 = e0.fma(e0, a0);
                a1 = e1.fma(e1, a1);
                a2 = e2.fma(e2, a2);
                a3 = e3.fma(e3, a3);
            } else {
                a0 = x.fma(y0, a0);
                a1 = x.fma(y1, a1);
                a2 = x.fma(y2, a2);
                a3 = x.fma(y3, a3);
            }
        }
        out[at] = finish(l2, a0, q, seg, o0, upper, lanes);
        out[at + 1] = finish(l2, a1, q, seg, o1, upper, lanes);
        out[at + 2] = finish(l2, a2, q, seg, o2, upper, lanes);
        out[at + 3] = finish(l2, a3, q, seg, o3, upper, lanes);
    }

    /** One exact distance; lanes summed in a fixed order (see {@link #scanSq8}) so refine results are reproducible. */
    private static float distance(Metric metric, float[] q, MemorySegment seg, long offset, float[] lanes) {
        int d = q.length;
        int upper = F.loopBound(d);
        boolean l2 = metric == Metric.L2;
        FloatVector acc = FloatVector.zero(F);
        int c = 0;
        for (; c < upper; c += L) {
            FloatVector x = FloatVector.fromArray(F, q, c);
            FloatVector y = FloatVector.fromMemorySegment(F, seg, offset + (long) c * Float.BYTES, ByteOrder.LITTLE_ENDIAN);
            if (l2) {
                FloatVector diff = x.sub(y);
                acc = diff.fma(diff, acc);
            } else {
                acc = x.fma(y, acc);
            }
        }
        return finish(l2, acc, q, seg, offset, c, lanes);
    }

    // The lanes summed in order, then the tail columns from c on.
    private static float finish(boolean l2, FloatVector acc, float[] q, MemorySegment seg, long offset, int c,
                                float[] lanes) {
        acc.intoArray(lanes, 0);
        float s = 0f;
        for (float v : lanes) s += v;
        for (; c < q.length; c++) {
            float y = seg.get(FloatMatrix.FLOAT, offset + (long) c * Float.BYTES);
            s += l2 ? (q[c] - y) * (q[c] - y) : q[c] * y;
        }
        return s;
    }

    @Override
    public GatherSummation gatherSummation() {
        return new GatherSummation(F.length(), true);
    }
}
