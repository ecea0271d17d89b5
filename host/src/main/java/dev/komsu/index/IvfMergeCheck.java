package dev.komsu.index;

import dev.komsu.kernels.FloatMatrix;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Whether two IVF indexes can be merged (faiss's check_compatible_for_merge, made strict): the
 * same d, metric, nlist and codec, and the same trained parameters. faiss 1.7.3 compares only
 * the sizes and the type; lists encoded against other centroids or codebooks would merge
 * silently and search wrong. The parameters are compared by what they do: equal centroids, and
 * the same decoded vector for every byte value of a probe code in every list position.
 */
final class IvfMergeCheck {
    private IvfMergeCheck() {
    }

    static void check(IvfIndex into, IvfIndex from) {
        String a = into.kind() + " d=" + into.dim() + " " + into.metric();
        String b = from.kind() + " d=" + from.dim() + " " + from.metric();
        if (into.dim() != from.dim() || into.metric() != from.metric() || into.nlist() != from.nlist()
                || into.codec().getClass() != from.codec().getClass() || !into.codec().factoryName().equals(from.codec().factoryName())
                || !into.codec().layout().equals(from.codec().layout())) {
            throw new IllegalArgumentException("cannot merge " + b + " into " + a + ": d, metric, nlist and codec must match");
        }
        if (!into.isTrained() || !from.isTrained()) {
            throw new IllegalArgumentException("cannot merge " + b + " into " + a + ": both must be trained");
        }
        if (!into.quantizer().vectors().segment().asByteBuffer().equals(from.quantizer().vectors().segment().asByteBuffer())) {
            throw new IllegalArgumentException("cannot merge " + b + " into " + a + ": their coarse centroids differ"
                    + " (train one index and copy it, or merge indexes trained together)");
        }
        if (!sameDecoding(into.codec(), into.quantizer().vectors(), from.codec(), from.quantizer().vectors())) {
            throw new IllegalArgumentException("cannot merge " + b + " into " + a + ": their codecs were trained differently"
                    + " (the same code decodes to different vectors)");
        }
    }

    /**
     * Whether two codecs of one type decode alike: every byte value 0..255 as every code byte,
     * decoded by both (list 0 of their {@code centroids}, so residual codecs add the same centroid).
     */
    static boolean sameDecoding(IvfCodec a, FloatMatrix aCentroids, IvfCodec b, FloatMatrix bCentroids) {
        int codeSize = a.codeSize();
        float[] x = new float[aCentroids.cols()];
        float[] y = new float[bCentroids.cols()];
        byte[] code = new byte[codeSize];
        for (int v = 0; v < 256; v++) {
            Arrays.fill(code, (byte) v);
            MemorySegment c = MemorySegment.ofArray(code);
            a.decode(c, 0, 0, aCentroids, x);
            b.decode(c, 0, 0, bCentroids, y);
            if (!Arrays.equals(x, y)) return false;
        }
        return true;
    }
}
