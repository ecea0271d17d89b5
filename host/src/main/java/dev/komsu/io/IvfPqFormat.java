package dev.komsu.io;

import dev.komsu.Index;
import dev.komsu.index.InvertedLists;
import dev.komsu.index.IvfIndex;
import dev.komsu.index.PqCodec;
import dev.komsu.quant.ProductQuantizer;
import java.io.IOException;
import java.util.List;

/**
 * faiss IndexIVFPQ, {@code IwPQ}: the IVF header, by_residual (bool), code_size (size_t), the
 * product quantiser, then {@code ilar} lists of PQ codes. faiss stores no precomputed table
 * (it recomputes it on load, as komsu does on the first search).
 */
final class IvfPqFormat implements IndexFormat {
    @Override
    public List<String> fourccs() {
        return List.of("IwPQ");
    }

    @Override
    public Index read(String fourcc, FaissInput in) throws IndexFormatException {
        IvfLayout.Header h = IvfLayout.readHeader(in);
        try {
            boolean byResidual = in.readBool("by_residual");
            long at = in.position();
            long codeSize = in.readSize("the code size", 1, Integer.MAX_VALUE);
            ProductQuantizer pq = QuantizerFields.readProductQuantizer(in, h.index().d());
            if (codeSize != pq.codeSize()) {
                throw in.error(at, "code size " + codeSize + " does not match the PQ's " + pq.codeSize() + " bytes");
            }
            InvertedLists lists = IvfLayout.readArrayLists(in, h, pq.codeSize());
            return IvfLayout.build(in, h, new PqCodec(pq, byResidual), lists);
        } catch (IndexFormatException | RuntimeException e) {
            h.quantizer().close();
            throw e;
        }
    }

    @Override
    public boolean writes(Index index) {
        return index instanceof IvfIndex ivf && ivf.codec() instanceof PqCodec;
    }

    @Override
    public void write(Index index, FaissOutput out) throws IOException {
        IvfIndex ivf = (IvfIndex) index;
        PqCodec codec = (PqCodec) ivf.codec();
        out.writeFourcc("IwPQ");
        IvfLayout.writeHeader(ivf, out);
        out.writeBool(codec.byResidual());
        out.writeLong(codec.codeSize());
        QuantizerFields.writeProductQuantizer(codec.productQuantizer(), out);
        IvfLayout.writeArrayLists(ivf.invertedLists(), out);
    }
}
