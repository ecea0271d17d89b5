package dev.komsu.io;

import dev.komsu.Index;
import dev.komsu.index.FlatCodesIndex;
import dev.komsu.index.FlatIndex;
import dev.komsu.index.HnswIndex;
import dev.komsu.index.Sq8Codec;
import dev.komsu.index.hnsw.HnswGraph;
import java.io.IOException;
import java.util.List;

/**
 * faiss IndexHNSWFlat, {@code IHNf}, and IndexHNSWSQ, {@code IHNs}: the index header, the HNSW
 * structure (faiss write_HNSW: assign_probas as doubles, cum_nneighbor_per_level, levels and
 * neighbors as int32, offsets as size_t, then entry_point, max_level, efConstruction, efSearch,
 * upper_beam as int32), then the storage: a flat index ({@code IxF2} / {@code IxFI}) for
 * {@code IHNf}, an IndexScalarQuantizer ({@code IxSQ}, QT_8bit) for {@code IHNs}. Every field is checked before the graph
 * is used: lists must tile the neighbour array as the levels say, and every neighbour must
 * exist on the level it is linked at, so a corrupt graph cannot send a search outside it.
 */
final class HnswFormat implements IndexFormat {
    private static final String FLAT = "IHNf";
    private static final String SQ8 = "IHNs";

    /** More levels than any M >= 2 gives (faiss stops where a level's probability drops below 1e-9). */
    private static final int MAX_LEVELS = 64;
    /** A bound on slots per node, far above faiss's 2*M + M*levels for any practical M. */
    private static final int MAX_SLOTS_PER_NODE = 1 << 20;

    @Override
    public List<String> fourccs() {
        return List.of(FLAT, SQ8);
    }

    @Override
    public Index read(String fourcc, FaissInput in) throws IndexFormatException {
        IndexHeader h = IndexHeader.read(in);
        long at = in.position();
        double[] probas = in.readDoubleVector("assign_probas");
        if (probas.length == 0 || probas.length > MAX_LEVELS) {
            throw in.error(at, "expected 1 to " + MAX_LEVELS + " level probabilities (assign_probas), found " + probas.length);
        }
        at = in.position();
        int[] cum = in.readIntVector("cum_nneighbor_per_level");
        if (cum.length != probas.length + 1 || cum[0] != 0) {
            throw in.error(at, "expected cum_nneighbor_per_level of " + (probas.length + 1) + " counts starting at 0, found "
                    + cum.length + (cum.length > 0 ? " starting at " + cum[0] : ""));
        }
        for (int l = 1; l < cum.length; l++) {
            if (cum[l] < cum[l - 1] || cum[l] > MAX_SLOTS_PER_NODE) {
                throw in.error(at, "cum_nneighbor_per_level must rise from 0 to at most " + MAX_SLOTS_PER_NODE
                        + ", found " + cum[l] + " after " + cum[l - 1]);
            }
        }
        at = in.position();
        int[] levels = in.readIntVector("levels");
        if (levels.length != h.ntotal()) throw in.error(at, "expected a level for each of ntotal=" + h.ntotal() + " nodes, found " + levels.length);
        for (int i = 0; i < levels.length; i++) {
            if (levels[i] < 1 || levels[i] >= cum.length) {
                throw in.error(at, "level of node " + i + " is " + levels[i] + ", expected 1 to " + (cum.length - 1));
            }
        }
        at = in.position();
        long[] offsets = in.readLongVector("offsets");
        checkOffsets(in, at, offsets, levels, cum);
        at = in.position();
        int[] neighbors = in.readIntVector("neighbors");
        if (neighbors.length != offsets[levels.length]) {
            throw in.error(at, "expected " + offsets[levels.length] + " neighbour slots (the last offset), found " + neighbors.length);
        }
        checkNeighbors(in, at, neighbors, offsets, levels, cum);
        at = in.position();
        int entry = in.readInt("entry_point");
        int maxLevel = in.readInt("max_level");
        if (levels.length == 0 ? entry != -1 || maxLevel != -1
                : entry < 0 || entry >= levels.length || maxLevel < 0 || maxLevel >= levels[entry]) {
            throw in.error(at, "entry_point " + entry + " at max_level " + maxLevel + " is not a node of the "
                    + levels.length + "-node graph reaching that level");
        }
        at = in.position();
        int efConstruction = in.readInt("efConstruction");
        int efSearch = in.readInt("efSearch");
        if (efConstruction <= 0 || efSearch <= 0) {
            throw in.error(at, "expected efConstruction and efSearch > 0, found " + efConstruction + " and " + efSearch);
        }
        at = in.position();
        int upperBeam = in.readInt("upper_beam");
        if (upperBeam != 1) throw in.error(at, "upper_beam " + upperBeam + " is not supported: komsu searches with faiss's default 1");
        at = in.position();
        Index storage = in.readIndex();
        try {
            boolean fits = fourcc.equals(FLAT) ? storage instanceof FlatIndex
                    : storage instanceof FlatCodesIndex codes && codes.codec() instanceof Sq8Codec;
            if (!fits) {
                throw in.error(at, fourcc + " storage must be " + (fourcc.equals(FLAT) ? "a flat index (IxF2/IxFI)"
                        : "a scalar quantizer index (IxSQ)") + ", found " + storage.describe());
            }
            h.checkPart(in, at, "the HNSW storage", storage, true);
        } catch (IndexFormatException e) {
            storage.close();
            throw e;
        }
        HnswGraph graph = HnswGraph.of(probas, cum, levels, offsets, neighbors, entry, maxLevel, efConstruction, efSearch, upperBeam);
        return storage instanceof FlatIndex flat ? new HnswIndex(flat, graph) : new HnswIndex((FlatCodesIndex) storage, graph);
    }

    private static void checkOffsets(FaissInput in, long at, long[] offsets, int[] levels, int[] cum) throws IndexFormatException {
        if (offsets.length != levels.length + 1 || offsets[0] != 0) {
            throw in.error(at, "expected " + (levels.length + 1) + " offsets starting at 0, found " + offsets.length);
        }
        for (int i = 0; i < levels.length; i++) {
            if (offsets[i + 1] - offsets[i] != cum[levels[i]]) {
                throw in.error(at, "node " + i + " at level " + levels[i] + " should own " + cum[levels[i]]
                        + " neighbour slots, offsets give " + (offsets[i + 1] - offsets[i]));
            }
        }
        if (offsets[levels.length] > Integer.MAX_VALUE - 8) {
            throw in.error(at, offsets[levels.length] + " neighbour slots: komsu holds at most 2^31");
        }
    }

    /** Every neighbour is -1 or a node whose levels include the level it is linked at. */
    private static void checkNeighbors(FaissInput in, long at, int[] neighbors, long[] offsets, int[] levels, int[] cum)
            throws IndexFormatException {
        for (int i = 0; i < levels.length; i++) {
            for (int l = 0; l < levels[i]; l++) {
                int b = (int) offsets[i] + cum[l];
                int e = (int) offsets[i] + cum[l + 1];
                for (int j = b; j < e; j++) {
                    int v = neighbors[j];
                    if (v < -1 || v >= levels.length || v >= 0 && levels[v] <= l) {
                        throw in.error(at, "node " + i + " links to " + v + " at level " + l
                                + ", which is not a node of that level (ntotal=" + levels.length + ")");
                    }
                }
            }
        }
    }

    @Override
    public boolean writes(Index index) {
        return index instanceof HnswIndex;
    }

    @Override
    public void write(Index index, FaissOutput out) throws IOException {
        HnswIndex hnsw = (HnswIndex) index;
        HnswGraph g = hnsw.graph();
        out.writeFourcc(hnsw.storesSq8() ? SQ8 : FLAT);
        IndexHeader.of(hnsw).write(out);
        out.writeDoubleVector(g.assignProbas());
        out.writeIntVector(g.cumNeighborsPerLevel());
        out.writeIntVector(g.levels());
        out.writeLongVector(g.offsets());
        out.writeIntVector(g.neighbors());
        out.writeInt(g.entryPoint());
        out.writeInt(g.maxLevel());
        out.writeInt(g.efConstruction());
        out.writeInt(out.overrides().efSearchOr(g.efSearch()));
        out.writeInt(g.upperBeam());
        out.writeIndex(hnsw.storage());
    }
}
