package dev.komsu.io;

import dev.komsu.Index;
import dev.komsu.index.InvertedLists;
import dev.komsu.index.IvfIndex;
import dev.komsu.index.Sq8Codec;
import dev.komsu.quant.ScalarQuantizer;
import java.io.IOException;
import java.util.List;

/**
 * faiss IndexIVFScalarQuantizer: {@code IwSq} (IVF header, scalar quantiser, code_size as
 * size_t, by_residual as bool, {@code ilar} lists) and the older {@code IwSQ} (no by_residual
 * field: always by residual). komsu writes {@code IwSq}, as faiss does.
 */
final class IvfSq8Format implements IndexFormat {
    @Override
    public List<String> fourccs() {
        return List.of("IwSq", "IwSQ");
    }

    @Override
    public Index read(String fourcc, FaissInput in) throws IndexFormatException {
        IvfLayout.Header h = IvfLayout.readHeader(in);
        try {
            ScalarQuantizer sq = QuantizerFields.readScalarQuantizer(in, h.index().d());
            long at = in.position();
            long codeSize = in.readSize("the code size", 1, Integer.MAX_VALUE);
            if (codeSize != sq.codeSize()) {
                throw in.error(at, "code size " + codeSize + " does not match the SQ8 code of " + sq.codeSize() + " bytes");
            }
            boolean byResidual = fourcc.equals("IwSQ") || in.readBool("by_residual");
            InvertedLists lists = IvfLayout.readArrayLists(in, h, sq.codeSize());
            return IvfLayout.build(in, h, new Sq8Codec(sq, byResidual), lists);
        } catch (IndexFormatException | RuntimeException e) {
            h.quantizer().close();
            throw e;
        }
    }

    @Override
    public boolean writes(Index index) {
        return index instanceof IvfIndex ivf && ivf.codec() instanceof Sq8Codec;
    }

    @Override
    public void write(Index index, FaissOutput out) throws IOException {
        IvfIndex ivf = (IvfIndex) index;
        Sq8Codec codec = (Sq8Codec) ivf.codec();
        out.writeFourcc("IwSq");
        IvfLayout.writeHeader(ivf, out);
        QuantizerFields.writeScalarQuantizer(codec.scalarQuantizer(), out);
        out.writeLong(codec.codeSize());
        out.writeBool(codec.byResidual());
        IvfLayout.writeArrayLists(ivf.invertedLists(), out);
    }
}
