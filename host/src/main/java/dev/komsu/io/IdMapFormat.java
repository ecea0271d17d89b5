package dev.komsu.io;

import dev.komsu.Index;
import dev.komsu.index.IdMapIndex;
import java.io.IOException;
import java.util.List;

/**
 * faiss IndexIDMap ({@code IxMp}) and IndexIDMap2 ({@code IxM2}): the header, the inner index,
 * then the user id of each inner row as a vector of int64. IDMap2's reverse map is rebuilt,
 * not stored, as in faiss.
 */
final class IdMapFormat implements IndexFormat {
    @Override
    public List<String> fourccs() {
        return List.of("IxMp", "IxM2");
    }

    @Override
    public Index read(String fourcc, FaissInput in) throws IndexFormatException {
        IndexHeader h = IndexHeader.read(in);
        long at = in.position();
        Index inner = in.readIndex();
        try {
            h.checkPart(in, at, "the inner index of the id map", inner, true);
            at = in.position();
            long[] ids = in.readLongVector("the id map");
            if (ids.length != inner.ntotal()) {
                throw in.error(at, "the id map has " + ids.length + " ids for " + inner.ntotal() + " vectors");
            }
            return new IdMapIndex(inner, fourcc.equals("IxM2"), ids);
        } catch (IndexFormatException | RuntimeException e) {
            inner.close();
            throw e;
        }
    }

    @Override
    public boolean writes(Index index) {
        return index instanceof IdMapIndex;
    }

    @Override
    public void write(Index index, FaissOutput out) throws IOException {
        IdMapIndex map = (IdMapIndex) index;
        out.writeFourcc(map.reverseMapped() ? "IxM2" : "IxMp");
        IndexHeader.of(map).write(out);
        out.writeIndex(map.inner());
        out.writeLongVector(map.idMap());
    }
}
