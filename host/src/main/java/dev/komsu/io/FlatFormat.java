package dev.komsu.io;

import dev.komsu.Index;
import dev.komsu.index.FlatIndex;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * faiss IndexFlat: {@code IxF2} (L2), {@code IxFI} (inner product), and {@code IxFl} (either,
 * from the header's metric). After the header: the vectors as a vector of ntotal*d floats.
 * The vectors stay in the file mapping (a read-only view); adding to the index copies them.
 */
final class FlatFormat implements IndexFormat {
    @Override
    public List<String> fourccs() {
        return List.of("IxF2", "IxFI", "IxFl");
    }

    @Override
    public Index read(String fourcc, FaissInput in) throws IndexFormatException {
        long start = in.position();
        IndexHeader h = IndexHeader.read(in);
        if (fourcc.equals("IxF2") && h.metric() != Metric.L2 || fourcc.equals("IxFI") && h.metric() != Metric.INNER_PRODUCT) {
            throw in.error(start, "index type '" + fourcc + "' contradicts its header's metric " + h.metric());
        }
        long at = in.position();
        long count = in.readCount("the flat vectors", Float.BYTES);
        if (count % h.d() != 0 || count / h.d() != h.ntotal()) {
            throw in.error(at, "expected ntotal*d = " + h.ntotal() + "*" + h.d() + " floats, found " + count);
        }
        MemorySegment vectors = in.readBytes(count * Float.BYTES, "the flat vectors");
        Arena claim = in.shareMapping();
        return FlatIndex.of(FloatMatrix.adopt(vectors, h.ntotal(), h.d(), claim), h.metric(), in.backend());
    }

    @Override
    public boolean writes(Index index) {
        return index instanceof FlatIndex;
    }

    @Override
    public void write(Index index, FaissOutput out) throws IOException {
        FlatIndex flat = (FlatIndex) index;
        // faiss writes IxF2 / IxFI for its two dense metrics and IxFl (plain IndexFlat) for the others.
        out.writeFourcc(switch (flat.metric()) {
            case L2 -> "IxF2";
            case INNER_PRODUCT -> "IxFI";
            case L1, LINF -> "IxFl";
        });
        IndexHeader.of(flat).write(out);
        FloatMatrix v = flat.vectors();
        out.writeLong(v.rows() * v.cols());
        out.writeBytes(v.segment());
    }
}
