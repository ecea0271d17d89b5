package dev.komsu.index;

import dev.komsu.IdSelector;
import dev.komsu.Index;
import dev.komsu.RangeSearchResult;
import dev.komsu.SearchParams;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Neighbors;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Gives the vectors of an inner index caller-chosen ids (faiss IndexIDMap / IndexIDMap2,
 * "IDMap,..."): the inner index numbers its rows 0..n-1 and {@code idMap[row]} is the user id.
 * Reconstruct by user id keeps a reverse map, as IDMap2 does.
 */
public final class IdMapIndex extends ForwardingIndex {
    private final boolean reverseMapped; // IDMap2
    private long[] idMap;
    private int size;
    private final Map<Long, Long> reverse = new HashMap<>();

    public IdMapIndex(Index inner, boolean reverseMapped) {
        this(inner, reverseMapped, new long[0]);
    }

    /** Wraps {@code inner} whose row i has user id {@code ids[i]} (e.g. read from a file). */
    public IdMapIndex(Index inner, boolean reverseMapped, long[] ids) {
        super(inner, "inner");
        this.reverseMapped = reverseMapped;
        if (ids.length != inner.ntotal()) {
            throw new IllegalArgumentException("id map has " + ids.length + " ids for " + inner.ntotal() + " vectors");
        }
        this.idMap = ids.clone();
        this.size = ids.length;
        for (int i = 0; i < size; i++) reverse.put(idMap[i], (long) i);
    }

    public Index inner() {
        return delegate();
    }

    public boolean reverseMapped() {
        return reverseMapped;
    }

    /** A copy of the user ids, by inner row. */
    public long[] idMap() {
        return Arrays.copyOf(idMap, size);
    }

    /** faiss's IDMap refuses plain add: ids must be given. */
    @Override
    void addUnguarded(FloatMatrix xs) {
        throw new UnsupportedOperationException("IDMap needs explicit ids: use addWithIds");
    }

    @Override
    void addWithIdsUnguarded(FloatMatrix xs, long[] ids) {
        InputChecks.checkIds(xs, ids);
        long start = inner().ntotal();
        inner().add(xs);
        if (size + ids.length > idMap.length) {
            idMap = Arrays.copyOf(idMap, Math.max(size + ids.length, idMap.length * 2));
        }
        for (int i = 0; i < ids.length; i++) {
            idMap[size + i] = ids[i];
            reverse.put(ids[i], start + i);
        }
        size += ids.length;
    }

    @Override
    Neighbors searchUnguarded(FloatMatrix queries, int k, SearchParams params) {
        Neighbors r = inner().search(queries, k, params);
        long[] labels = r.labels();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= 0) labels[i] = idMap[(int) labels[i]];
        }
        return r;
    }

    /**
     * faiss's IndexIDMap::remove_ids: the inner index removes the rows whose user id is
     * selected, and the id map drops them, keeping the others in order. faiss relies on the
     * inner index renumbering its rows as Flat does; an IVF inner index keeps its ids, which in
     * faiss 1.7.3 leaves the map pointing at the wrong rows. Here the IVF's ids are renumbered
     * to match, so the index (and the file written from it) stays consistent.
     */
    @Override
    long removeIdsUnguarded(IdSelector selector) {
        BitSet rows = new BitSet(size);
        for (int i = 0; i < size; i++) if (selector.isMember(idMap[i])) rows.set(i);
        if (rows.isEmpty()) return 0;
        long removed = inner().removeIds(row -> row >= 0 && row < size && rows.get((int) row));
        if (inner() instanceof IvfIndex ivf) ivf.renumberAfterRemovedRows(rows.stream().asLongStream().toArray());
        int kept = 0;
        for (int i = 0; i < size; i++) if (!rows.get(i)) idMap[kept++] = idMap[i];
        size = kept;
        rebuildReverse();
        if (inner().ntotal() != size) {
            throw new IllegalStateException("IDMap holds " + size + " ids after the removal, its inner index " + inner().ntotal());
        }
        return removed;
    }

    private void rebuildReverse() {
        reverse.clear();
        for (int i = 0; i < size; i++) reverse.put(idMap[i], (long) i);
    }

    /** The inner index's range search, labels translated to user ids. */
    @Override
    RangeSearchResult rangeSearchUnguarded(FloatMatrix queries, float radius, SearchParams params) {
        RangeSearchResult r = inner().rangeSearch(queries, radius, params);
        long[] labels = r.labels();
        for (int i = 0; i < labels.length; i++) labels[i] = idMap[(int) labels[i]];
        return r;
    }

    /**
     * faiss's IndexIDMap::merge_from: the inner indexes merge, the other's user ids are appended
     * plus {@code addId}, and the other is left empty. An IVF inner index gets the other's rows
     * numbered after this one's (faiss 1.7.3 merges them with their old row numbers, which then
     * collide).
     */
    @Override
    void mergeFromUnguarded(Index other, long addId) {
        if (!(other instanceof IdMapIndex o)) {
            throw new IllegalArgumentException("cannot merge " + other.getClass().getSimpleName() + " into an IDMap index");
        }
        inner().mergeFrom(o.inner(), inner() instanceof IvfIndex ? size : 0);
        long[] more = o.idMap();
        if (size + more.length > idMap.length) idMap = Arrays.copyOf(idMap, size + more.length);
        for (int i = 0; i < more.length; i++) idMap[size + i] = Math.addExact(more[i], addId);
        size += more.length;
        rebuildReverse();
        o.size = 0;
        o.reverse.clear();
    }

    @Override
    public float[] reconstruct(long id) {
        Long row = reverse.get(id);
        if (row == null) throw new IllegalArgumentException("no vector with id " + id);
        return inner().reconstruct(row);
    }

    /** Vectors with user ids {@code from .. from+n-1}; every id must be present. */
    @Override
    public FloatMatrix reconstructN(long from, long n) {
        FloatMatrix out = FloatMatrix.allocate(n, dim());
        for (long i = 0; i < n; i++) out.setRow(i, reconstruct(from + i), 0);
        return out;
    }

    @Override
    public String describe() {
        return (reverseMapped ? "IDMap2," : "IDMap,") + inner().describe();
    }
}
