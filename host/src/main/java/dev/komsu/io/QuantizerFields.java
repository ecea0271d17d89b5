package dev.komsu.io;

import dev.komsu.quant.ProductQuantizer;
import dev.komsu.quant.ScalarQuantizer;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The quantiser blocks nested in faiss's PQ and SQ index formats: faiss
 * write_ProductQuantizer (d, M, nbits as size_t; the codebooks as a float vector of d*2^nbits)
 * and write_ScalarQuantizer (qtype and rangestat as int32, rangestat_arg as float, d and
 * code_size as size_t, the trained ranges as a float vector).
 */
final class QuantizerFields {
    /** faiss ScalarQuantizer::QuantizerType QT_8bit, the only SQ type komsu implements. */
    static final int QT_8BIT = 0;
    /** faiss ScalarQuantizer::RangeStat RS_minmax. */
    static final int RS_MINMAX = 0;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private QuantizerFields() {
    }

    /** Reads a product quantiser of dimension {@code d} (the enclosing index's). */
    static ProductQuantizer readProductQuantizer(FaissInput in, int d) throws IndexFormatException {
        long at = in.position();
        long pqd = in.readSize("the PQ dimension", 1, Integer.MAX_VALUE);
        if (pqd != d) throw in.error(at, "the PQ has dimension " + pqd + ", the index " + d);
        at = in.position();
        long m = in.readSize("the PQ sub-quantizer count M", 1, d);
        if (d % m != 0) throw in.error(at, "the PQ's M=" + m + " does not divide d=" + d);
        at = in.position();
        long nbits = in.readSize("the PQ nbits", 1, 24);
        if (nbits != 8 && nbits != 4) {
            throw in.error(at, "PQ with nbits=" + nbits + " is not supported: komsu reads nbits 8 and 4");
        }
        float[] centroids = readFloatVector(in, "the PQ codebooks", (long) d << nbits);
        return ProductQuantizer.ofCentroids(d, (int) m, (int) nbits, centroids);
    }

    static void writeProductQuantizer(ProductQuantizer pq, FaissOutput out) throws IOException {
        out.writeLong(pq.dim());
        out.writeLong(pq.m());
        out.writeLong(pq.nbits());
        writeFloatVector(pq.centroids(), out);
    }

    /** Reads a QT_8bit scalar quantiser of dimension {@code d}. */
    static ScalarQuantizer readScalarQuantizer(FaissInput in, int d) throws IndexFormatException {
        long at = in.position();
        int qtype = in.readInt("the SQ type");
        if (qtype != QT_8BIT) {
            throw in.error(at, "scalar quantizer type " + qtype + " is not supported: komsu reads QT_8bit (0), \"SQ8\"");
        }
        in.readInt("the SQ range statistic"); // how the ranges were trained; the ranges themselves follow
        in.readFloat("the SQ range statistic argument");
        at = in.position();
        long sqd = in.readSize("the SQ dimension", 1, Integer.MAX_VALUE);
        if (sqd != d) throw in.error(at, "the SQ has dimension " + sqd + ", the index " + d);
        at = in.position();
        long codeSize = in.readSize("the SQ code size", 0, Long.MAX_VALUE);
        if (codeSize != d) throw in.error(at, "an SQ8 code has d=" + d + " bytes, found code size " + codeSize);
        float[] trained = readFloatVector(in, "the SQ ranges", 2L * d);
        return ScalarQuantizer.ofTrained(d, trained);
    }

    static void writeScalarQuantizer(ScalarQuantizer sq, FaissOutput out) throws IOException {
        out.writeInt(QT_8BIT);
        out.writeInt(RS_MINMAX);
        out.writeFloat(0f);
        out.writeLong(sq.dim());
        out.writeLong(sq.codeSize());
        writeFloatVector(sq.trained(), out);
    }

    private static float[] readFloatVector(FaissInput in, String what, long expected) throws IndexFormatException {
        long at = in.position();
        long n = in.readCount(what, Float.BYTES);
        if (n != expected) throw in.error(at, "expected " + expected + " floats in " + what + ", found " + n);
        if (n > Integer.MAX_VALUE - 8) throw in.error(at, what + " has " + n + " floats, more than a Java array holds");
        MemorySegment s = in.readBytes(n * Float.BYTES, what);
        float[] out = new float[(int) n];
        MemorySegment.copy(s, FLOAT, 0, out, 0, out.length);
        return out;
    }

    private static void writeFloatVector(float[] values, FaissOutput out) throws IOException {
        out.writeLong(values.length);
        for (float v : values) out.writeFloat(v);
    }
}
