package dev.komsu.index.hnsw;

import java.util.Arrays;

/**
 * faiss's {@code HNSW} structure: the levels of every node and their neighbour lists, laid out
 * as faiss lays them out (and writes them): node i owns the slots
 * {@code offsets[i] .. offsets[i+1]} of one int array, level 0's {@code 2*M} first, then
 * {@code M} per upper level up to the node's own; unused slots hold -1 and come last in a list.
 * A node's lists sit together in memory, so a walk that reaches a node reads one run of slots.
 *
 * <p>{@code levels[i]} is node i's top level plus one, {@code cumNeighbors[l]} the slots of
 * levels below l, {@code assignProbas[l]} the chance that a new node's top level is l
 * (faiss's set_default_probas with {@code 1/ln(M)}). Levels are drawn from faiss's generator
 * with faiss's seed, so a fresh graph gives new nodes the levels faiss gives them.
 */
public final class HnswGraph {
    /** faiss's seed for level draws (HNSW's constructor); a graph read from a file restarts it. */
    private static final long LEVEL_SEED = 12345;

    private final double[] assignProbas;
    private final int[] cumNeighbors;
    private int[] levels;
    private long[] offsets;
    private int[] neighbors;
    private int ntotal;
    private volatile int entryPoint;
    private volatile int maxLevel;
    private int efConstruction;
    private int efSearch;
    private final int upperBeam;
    private final FaissRandom levelRandom = new FaissRandom(LEVEL_SEED);

    private HnswGraph(double[] assignProbas, int[] cumNeighbors, int[] levels, long[] offsets, int[] neighbors,
                      int ntotal, int entryPoint, int maxLevel, int efConstruction, int efSearch, int upperBeam) {
        this.assignProbas = assignProbas;
        this.cumNeighbors = cumNeighbors;
        this.levels = levels;
        this.offsets = offsets;
        this.neighbors = neighbors;
        this.ntotal = ntotal;
        this.entryPoint = entryPoint;
        this.maxLevel = maxLevel;
        this.efConstruction = efConstruction;
        this.efSearch = efSearch;
        this.upperBeam = upperBeam;
    }

    /** An empty graph with faiss's defaults: efConstruction 40, efSearch 16. */
    public static HnswGraph create(int m) {
        if (m < 2) throw new IllegalArgumentException("HNSW M must be >= 2, got " + m);
        float levelMult = (float) (1.0 / Math.log(m));
        double[] probas = new double[64];
        int[] cum = new int[65];
        int levels = 0;
        int nn = 0;
        // faiss computes each probability in float and stops below 1e-9.
        for (int level = 0; ; level++) {
            float proba = (float) (Math.exp(-level / levelMult) * (1 - Math.exp(-1 / levelMult)));
            if (proba < 1e-9) break;
            probas[levels++] = proba;
            nn += level == 0 ? 2 * m : m;
            cum[levels] = nn;
        }
        return new HnswGraph(Arrays.copyOf(probas, levels), Arrays.copyOf(cum, levels + 1), new int[0], new long[]{0},
                new int[0], 0, -1, -1, 40, 16, 1);
    }

    /** A graph read from a file; the caller has checked every field (see the IHNf format). */
    public static HnswGraph of(double[] assignProbas, int[] cumNeighbors, int[] levels, long[] offsets, int[] neighbors,
                               int entryPoint, int maxLevel, int efConstruction, int efSearch, int upperBeam) {
        return new HnswGraph(assignProbas, cumNeighbors, levels, offsets, neighbors, levels.length, entryPoint,
                maxLevel, efConstruction, efSearch, upperBeam);
    }

    /** M: neighbours per node on the upper levels (level 0 has twice as many). */
    public int m() {
        return cumNeighbors.length > 2 ? cumNeighbors[2] - cumNeighbors[1] : cumNeighbors[1] / 2;
    }

    public int size() {
        return ntotal;
    }

    public int entryPoint() {
        return entryPoint;
    }

    public int maxLevel() {
        return maxLevel;
    }

    void setEntry(int node, int level) {
        entryPoint = node;
        maxLevel = level;
    }

    public int efConstruction() {
        return efConstruction;
    }

    public void setEfConstruction(int ef) {
        if (ef <= 0) throw new IllegalArgumentException("efConstruction must be > 0, got " + ef);
        efConstruction = ef;
    }

    public int efSearch() {
        return efSearch;
    }

    public void setEfSearch(int ef) {
        if (ef <= 0) throw new IllegalArgumentException("efSearch must be > 0, got " + ef);
        efSearch = ef;
    }

    public int upperBeam() {
        return upperBeam;
    }

    /** Node i's top level plus one, as faiss stores it. */
    public int storedLevel(int node) {
        return levels[node];
    }

    /** Neighbour slots of a node at {@code level}. */
    public int neighborsAt(int level) {
        return cumNeighbors[level + 1] - cumNeighbors[level];
    }

    public int begin(int node, int level) {
        return (int) offsets[node] + cumNeighbors[level];
    }

    public int end(int node, int level) {
        return (int) offsets[node] + cumNeighbors[level + 1];
    }

    /** The neighbour slots, shared (read by searches, written by the builder under its locks). */
    int[] slots() {
        return neighbors;
    }

    /** faiss random_level: the first level whose cumulative probability exceeds a uniform draw. */
    int randomLevel() {
        double f = levelRandom.nextFloat();
        for (int level = 0; level < assignProbas.length; level++) {
            if (f < assignProbas[level]) return level;
            f -= assignProbas[level];
        }
        return assignProbas.length - 1;
    }

    /**
     * faiss prepare_level_tab: draws levels for {@code n} new nodes and gives them empty lists.
     * Returns the highest new level.
     */
    int addNodes(int n) {
        long slots = offsets[ntotal];
        int[] newLevels = Arrays.copyOf(levels, ntotal + n);
        long[] newOffsets = Arrays.copyOf(offsets, ntotal + n + 1);
        int top = 0;
        for (int i = ntotal; i < ntotal + n; i++) {
            int level = randomLevel();
            newLevels[i] = level + 1;
            top = Math.max(top, level);
            slots += cumNeighbors[level + 1];
            newOffsets[i + 1] = slots;
        }
        if (slots > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("HNSW graph of " + (ntotal + n) + " nodes needs " + slots
                    + " neighbour slots; komsu keeps at most 2^31 (fewer nodes or a smaller M)");
        }
        int[] grown = Arrays.copyOf(neighbors, (int) slots);
        Arrays.fill(grown, neighbors.length, grown.length, -1);
        levels = newLevels;
        offsets = newOffsets;
        neighbors = grown;
        ntotal += n;
        return top;
    }

    // What the file holds, for the writer.

    public double[] assignProbas() {
        return assignProbas.clone();
    }

    public int[] cumNeighborsPerLevel() {
        return cumNeighbors.clone();
    }

    public int[] levels() {
        return Arrays.copyOf(levels, ntotal);
    }

    public long[] offsets() {
        return Arrays.copyOf(offsets, ntotal + 1);
    }

    public int[] neighbors() {
        return Arrays.copyOf(neighbors, (int) slotCount());
    }

    /** Neighbour slots in use (every node's lists). */
    public long slotCount() {
        return offsets[ntotal];
    }

    /** Number of nodes whose top level is at least {@code level}. */
    public long nodesAtLevel(int level) {
        long n = 0;
        for (int i = 0; i < ntotal; i++) if (levels[i] > level) n++;
        return n;
    }
}
