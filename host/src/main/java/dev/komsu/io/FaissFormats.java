package dev.komsu.io;

import dev.komsu.Index;
import dev.komsu.index.IvfIndex;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The index formats komsu knows, and the dispatch from fourcc (reading) or index (writing) to them. */
final class FaissFormats {
    /** Add a format here to support a new index type. */
    private static final List<IndexFormat> FORMATS = List.of(
            new FlatFormat(),
            new IvfFlatFormat(),
            new IdMapFormat(),
            new PreTransformFormat(),
            new IvfPqFormat(),
            new IvfSq8Format(),
            new FlatCodesFormat(),
            new RefineFlatFormat(),
            new IvfPqFastScanFormat(),
            new PqFastScanFormat(),
            new HnswFormat());

    private static final Map<String, IndexFormat> BY_FOURCC = byFourcc();

    private FaissFormats() {
    }

    private static Map<String, IndexFormat> byFourcc() {
        Map<String, IndexFormat> m = new LinkedHashMap<>();
        for (IndexFormat f : FORMATS) {
            for (String tag : f.fourccs()) {
                if (m.put(tag, f) != null) throw new IllegalStateException("two formats read fourcc " + tag);
            }
        }
        return m;
    }

    /** The fourccs komsu reads, for messages. */
    static List<String> supportedFourccs() {
        return new ArrayList<>(BY_FOURCC.keySet());
    }

    static IndexFormat reader(String fourcc, FaissInput in, long at) throws IndexFormatException {
        IndexFormat f = BY_FOURCC.get(fourcc);
        if (f == null) {
            throw in.error(at, "unknown or unsupported index type " + FaissInput.printable(fourcc)
                    + ": komsu reads " + String.join(", ", BY_FOURCC.keySet()));
        }
        return f;
    }

    static IndexFormat writer(Index index) {
        for (IndexFormat f : FORMATS) {
            if (f.writes(index)) return f;
        }
        String what = index instanceof IvfIndex ivf
                ? "IVF index with codec " + ivf.codec().factoryName()
                : index.getClass().getSimpleName();
        throw new IllegalArgumentException("cannot write " + what + " in faiss format: no format for it ("
                + index.describe() + ")");
    }
}
