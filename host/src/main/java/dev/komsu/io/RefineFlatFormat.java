package dev.komsu.io;

import dev.komsu.Index;
import dev.komsu.index.IvfIndex;
import dev.komsu.index.FlatIndex;
import dev.komsu.index.RefineFlatIndex;
import java.io.IOException;
import java.util.List;

/**
 * faiss IndexRefine / IndexRefineFlat, {@code IxRF}: the index header, the base index, the
 * refine index (a Flat of the raw vectors, which makes faiss load it as IndexRefineFlat), and
 * k_factor as float, which the index keeps as its default.
 */
final class RefineFlatFormat implements IndexFormat {
    /**
     * The largest stored k_factor komsu accepts. faiss takes any float, but a refine over more
     * than 2^20 candidates per result is not a setting anyone chose: such a value is a misread
     * field (the fuzzer found 2.5e6 from a shifted float), and refused where it was read.
     */
    static final float MAX_K_FACTOR = 1 << 20;

    @Override
    public List<String> fourccs() {
        return List.of("IxRF");
    }

    @Override
    public Index read(String fourcc, FaissInput in) throws IndexFormatException {
        IndexHeader h = IndexHeader.read(in);
        long at = in.position();
        Index base = in.readIndex();
        Index refine = null;
        try {
            h.checkPart(in, at, "the base index", base, true);
            long[] bad = base instanceof IvfIndex ivf ? ivf.idOutside(h.ntotal()) : null;
            if (bad != null) { // found by the fuzzer: refine took them as rows and failed at search time
                throw in.error(at, "the base index's list " + bad[0] + " holds id " + bad[1] + ", but a refine index"
                        + " uses its base's ids as rows of its " + h.ntotal() + " raw vectors");
            }
            at = in.position();
            refine = in.readIndex();
            if (!(refine instanceof FlatIndex flat)) {
                throw in.error(at, "the refine index must be a Flat index (IxF2/IxFI), found " + refine.describe());
            }
            h.checkPart(in, at, "the refine index", refine, true);
            at = in.position();
            float kFactor = in.readFloat("k_factor");
            if (!(kFactor >= 1f && kFactor <= MAX_K_FACTOR)) {
                throw in.error(at, "expected k_factor in [1, " + (long) MAX_K_FACTOR + "], found " + kFactor);
            }
            return new RefineFlatIndex(base, flat, kFactor);
        } catch (IndexFormatException | RuntimeException e) {
            base.close();
            if (refine != null) refine.close();
            throw e;
        }
    }

    @Override
    public boolean writes(Index index) {
        return index instanceof RefineFlatIndex;
    }

    @Override
    public void write(Index index, FaissOutput out) throws IOException {
        RefineFlatIndex r = (RefineFlatIndex) index;
        out.writeFourcc("IxRF");
        IndexHeader.of(r).write(out);
        out.writeIndex(r.base());
        out.writeIndex(r.refineIndex());
        out.writeFloat(out.overrides().kFactorOr(r.kFactor()));
    }
}
