package dev.komsu.io;

import dev.komsu.Index;
import dev.komsu.index.L2NormIndex;
import java.io.IOException;
import java.util.List;

/**
 * faiss IndexPreTransform ({@code IxPT}) with the one transform komsu has: faiss's
 * NormalizationTransform with norm 2 ({@code VNrm}), which is what faiss's index_factory makes
 * of the "L2norm" prefix. Layout: the header, the number of transforms (int32), each transform
 * (fourcc, its fields, then d_in, d_out as int32 and is_trained as bool), then the inner index.
 * A chain of zero transforms is read as the inner index itself.
 */
final class PreTransformFormat implements IndexFormat {
    /** NormalizationTransform's norm for L2 normalisation (faiss index_factory "L2norm"). */
    private static final float L2 = 2.0f;

    @Override
    public List<String> fourccs() {
        return List.of("IxPT");
    }

    @Override
    public Index read(String fourcc, FaissInput in) throws IndexFormatException {
        IndexHeader h = IndexHeader.read(in);
        long at = in.position();
        int nt = in.readInt("the number of transforms");
        if (nt < 0 || nt > 1) {
            throw in.error(at, "expected 0 or 1 transforms (komsu supports L2 normalisation, 'L2norm'), found " + nt);
        }
        if (nt == 1) readNormalization(in, h.d());
        at = in.position();
        Index inner = in.readIndex();
        try {
            h.checkPart(in, at, "the index after the transform", inner, true);
        } catch (IndexFormatException e) {
            inner.close();
            throw e;
        }
        return nt == 1 ? new L2NormIndex(inner) : inner;
    }

    private static void readNormalization(FaissInput in, int d) throws IndexFormatException {
        long at = in.position();
        String tag = in.readFourcc("a vector transform tag");
        if (!tag.equals("VNrm")) {
            throw in.error(at, "unsupported vector transform " + FaissInput.printable(tag)
                    + ": komsu reads only 'VNrm' (NormalizationTransform, \"L2norm\")");
        }
        at = in.position();
        float norm = in.readFloat("the normalisation norm");
        if (norm != L2) throw in.error(at, "NormalizationTransform with norm " + norm + " is not supported: expected 2 (L2)");
        at = in.position();
        int dIn = in.readInt("d_in");
        int dOut = in.readInt("d_out");
        if (dIn != d || dOut != d) {
            throw in.error(at, "the normalisation maps " + dIn + " to " + dOut + " dimensions, expected " + d + " to " + d);
        }
        in.readBool("the transform's is_trained");
    }

    @Override
    public boolean writes(Index index) {
        return index instanceof L2NormIndex;
    }

    @Override
    public void write(Index index, FaissOutput out) throws IOException {
        L2NormIndex norm = (L2NormIndex) index;
        out.writeFourcc("IxPT");
        IndexHeader.of(norm).write(out);
        out.writeInt(1);
        out.writeFourcc("VNrm");
        out.writeFloat(L2);
        out.writeInt(norm.dim());
        out.writeInt(norm.dim());
        out.writeBool(true);
        out.writeIndex(norm.inner());
    }
}
