package dev.komsu.io;

import dev.komsu.Index;
import dev.komsu.index.CodeLayout;
import dev.komsu.index.FlatCodec;
import dev.komsu.index.InvertedLists;
import dev.komsu.index.IvfIndex;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * faiss IndexIVFFlat: {@code IwFl} (IVF header, then {@code ilar} lists of d*4-byte codes) and
 * the legacy {@code IvFl} of old faiss versions (IVF header with one id vector per list before
 * the direct map, then one float vector per list). The stored nprobe is kept by the index as
 * its default.
 */
final class IvfFlatFormat implements IndexFormat {
    @Override
    public List<String> fourccs() {
        return List.of("IwFl", "IvFl");
    }

    @Override
    public Index read(String fourcc, FaissInput in) throws IndexFormatException {
        if (fourcc.equals("IvFl")) return readLegacy(in);
        IvfLayout.Header h = IvfLayout.readHeader(in);
        try {
            int d = h.index().d();
            InvertedLists lists = IvfLayout.readArrayLists(in, h, codeSize(in, d));
            return IvfLayout.build(in, h, new FlatCodec(d), lists);
        } catch (IndexFormatException | RuntimeException e) {
            h.quantizer().close();
            throw e;
        }
    }

    private static int codeSize(FaissInput in, int d) throws IndexFormatException {
        if (d > Integer.MAX_VALUE / Float.BYTES) throw in.error("dimension " + d + " is too large for float codes");
        return d * Float.BYTES;
    }

    private Index readLegacy(FaissInput in) throws IndexFormatException {
        IvfLayout.Header h = IvfLayout.readHeaderStart(in);
        try {
            int nlist = h.nlist();
            int codeSize = codeSize(in, h.index().d());
            MemorySegment[] ids = new MemorySegment[nlist];
            long[] sizes = new long[nlist];
            for (int l = 0; l < nlist; l++) {
                sizes[l] = in.readCount("the ids of list " + l, Long.BYTES);
                ids[l] = in.readBytes(sizes[l] * Long.BYTES, "the ids of list " + l);
            }
            IvfLayout.skipDirectMap(in);
            MemorySegment[] codes = new MemorySegment[nlist];
            long total = 0;
            for (int l = 0; l < nlist; l++) {
                long at = in.position();
                long floats = in.readCount("the vectors of list " + l, Float.BYTES);
                if (floats != in.product(at, sizes[l], h.index().d(), "list size*d")) {
                    throw in.error(at, "list " + l + " has " + sizes[l] + " ids but " + floats + " floats, expected "
                            + sizes[l] + "*" + h.index().d());
                }
                codes[l] = in.readBytes(floats * Float.BYTES, "the vectors of list " + l);
                total += sizes[l];
            }
            if (total != h.index().ntotal()) {
                throw in.error("the lists hold " + total + " entries, the header says ntotal=" + h.index().ntotal());
            }
            InvertedLists lists = InvertedLists.ofViews(CodeLayout.flat(codeSize), codes, ids, sizes, in.shareMapping());
            return IvfLayout.build(in, h, new FlatCodec(h.index().d()), lists);
        } catch (IndexFormatException | RuntimeException e) {
            h.quantizer().close();
            throw e;
        }
    }

    @Override
    public boolean writes(Index index) {
        return index instanceof IvfIndex ivf && ivf.codec() instanceof FlatCodec;
    }

    @Override
    public void write(Index index, FaissOutput out) throws IOException {
        IvfIndex ivf = (IvfIndex) index;
        out.writeFourcc("IwFl");
        IvfLayout.writeHeader(ivf, out);
        IvfLayout.writeArrayLists(ivf.invertedLists(), out);
    }
}
