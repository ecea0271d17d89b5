package dev.komsu.index;

import dev.komsu.Index;
import dev.komsu.kernels.FloatMatrix;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Splits an IVF index ({@code IVF*,…}, optionally under {@code RFlat}) into shards by id range,
 * the layout of faiss's {@code IndexShards} with {@code successive_ids}: shard s holds the
 * vectors with ids {@code [start(s), start(s+1))} under local ids {@code id - start(s)}, and a
 * search over all shards adds {@code start(s)} back ({@link dev.komsu.ShardMerge}).
 *
 * <p>Why by id range and not by inverted list: every shard is about the same size and does
 * about the same work for every query (each scans the same nprobe lists, each about 1/S as
 * long), where a by-list split would send all of one query's lists to one shard; and a refined
 * index stays a valid faiss {@code IndexRefineFlat} per shard, whose Flat is found by row number
 * (local ids 0..n-1 are exactly that), where a by-list shard would scatter its ids. Each shard
 * keeps a copy of the whole coarse quantiser, so nprobe picks the same lists in every shard and
 * the merged IVF-Flat result equals the unsharded one. Codes are copied, never re-encoded.
 *
 * <p>Needs ids that are row numbers {@code 0..ntotal-1} (what {@code add} gives), as successive
 * ids do; indexes filled with {@code addWithIds} are refused.
 */
public final class IvfShards {
    private IvfShards() {
    }

    /**
     * The first id of shard {@code s} of {@code shards} over {@code ntotal} ids: balanced ranges
     * (sizes differ by one at most). ntotal is below 2^31 (checked by split), so no overflow.
     */
    public static long start(long ntotal, int shards, int s) {
        return ntotal * s / shards;
    }

    /**
     * Splits {@code source} into {@code shards} new indexes (the caller closes them; the source
     * is left as it was). Throws IllegalArgumentException naming what does not fit: a type that
     * is not IVF or RFlat over IVF, ids that are not row numbers, or more shards than vectors.
     */
    public static List<Index> split(Index source, int shards) {
        if (shards < 1) throw new IllegalArgumentException("shards must be >= 1, got " + shards);
        IvfIndex ivf = ivfOf(source);
        long ntotal = source.ntotal();
        if (shards > ntotal) {
            throw new IllegalArgumentException(shards + " shards for an index of " + ntotal
                    + " vectors: every shard needs at least one vector");
        }
        checkRowNumberIds(ivf);
        List<Index> out = new ArrayList<>(shards);
        try {
            List<IvfIndex> bases = splitIvf(ivf, shards);
            if (source instanceof RefineFlatIndex refined) {
                FloatMatrix raw = refined.refineIndex().vectors();
                for (int s = 0; s < shards; s++) {
                    long from = start(ntotal, shards, s);
                    long n = start(ntotal, shards, s + 1) - from;
                    FlatIndex flat = FlatIndex.of(raw.rowRange(from, n).copy(), source.metric(), refined.refineIndex().backend());
                    out.add(new RefineFlatIndex(bases.get(s), flat, refined.kFactor()));
                }
            } else {
                out.addAll(bases);
            }
            return out;
        } catch (RuntimeException | Error e) {
            for (Index i : out) i.close();
            throw e;
        }
    }

    private static IvfIndex ivfOf(Index source) {
        if (source instanceof IvfIndex ivf) return ivf;
        if (source instanceof RefineFlatIndex r && r.base() instanceof IvfIndex ivf) {
            if (r.refineIndex().ntotal() != ivf.ntotal()) {
                throw new IllegalArgumentException("the RFlat index holds " + r.refineIndex().ntotal()
                        + " raw vectors for " + ivf.ntotal() + " codes");
            }
            return ivf;
        }
        throw new IllegalArgumentException("only IVF indexes (IVF*,… and IVF*,…,RFlat) can be sharded, got: "
                + source.describe());
    }

    /** Each id in [0, ntotal) exactly once, as successive ids need. */
    private static void checkRowNumberIds(IvfIndex ivf) {
        long ntotal = ivf.ntotal();
        if (ntotal > Integer.MAX_VALUE) throw new IllegalArgumentException("sharding supports up to 2^31 vectors, got " + ntotal);
        InvertedLists lists = ivf.invertedLists();
        BitSet seen = new BitSet((int) ntotal);
        for (int l = 0; l < ivf.nlist(); l++) {
            for (long i = 0, n = lists.size(l); i < n; i++) {
                long id = lists.id(l, i);
                if (id < 0 || id >= ntotal || seen.get((int) id)) {
                    throw new IllegalArgumentException("list " + l + " holds id " + id + ": sharding by id range needs the ids"
                            + " 0.." + (ntotal - 1) + " once each (an index filled by add, not addWithIds)");
                }
                seen.set((int) id);
            }
        }
    }

    /** One pass over the lists, each entry's code appended to its shard's list in the source's order. */
    private static List<IvfIndex> splitIvf(IvfIndex ivf, int shards) {
        long ntotal = ivf.ntotal();
        int nlist = ivf.nlist();
        long[] starts = new long[shards + 1];
        for (int s = 0; s <= shards; s++) starts[s] = start(ntotal, shards, s);
        InvertedLists[] lists = new InvertedLists[shards];
        List<IvfIndex> out = new ArrayList<>(shards);
        try {
            for (int s = 0; s < shards; s++) lists[s] = new InvertedLists(nlist, ivf.codec().layout());
            InvertedLists source = ivf.invertedLists();
            for (int l = 0; l < nlist; l++) {
                for (long i = 0, n = source.size(l); i < n; i++) {
                    long id = source.id(l, i);
                    int s = shardOf(starts, id);
                    lists[s].append(l, id - starts[s], source.code(l, i), 0);
                }
            }
            for (int s = 0; s < shards; s++) {
                FlatIndex quantizer = FlatIndex.of(ivf.quantizer().vectors().copy(), ivf.metric(), ivf.backend());
                out.add(new IvfIndex(quantizer, nlist, ivf.codec(), lists[s], starts[s + 1] - starts[s]));
                lists[s] = null; // owned by the index now
            }
            return out;
        } catch (RuntimeException | Error e) {
            for (IvfIndex i : out) i.close();
            for (InvertedLists l : lists) if (l != null) l.close();
            throw e;
        }
    }

    private static int shardOf(long[] starts, long id) {
        int lo = 0;
        int hi = starts.length - 2;
        while (lo < hi) { // the last s with starts[s] <= id
            int mid = (lo + hi + 1) >>> 1;
            if (starts[mid] <= id) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }
}
