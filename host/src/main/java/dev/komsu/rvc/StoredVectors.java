package dev.komsu.rvc;

import dev.komsu.Index;
import dev.komsu.index.IdMapIndex;
import dev.komsu.index.IvfIndex;
import dev.komsu.index.L2NormIndex;
import dev.komsu.kernels.FloatMatrix;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Fetches the stored vectors of a set of ids, the part of RVC's {@code big_npy[ix]} a blend
 * actually needs. RVC reconstructs the whole index once (ntotal x 768 floats, ~3 GB for 1M
 * frames); here IVF indexes decode just the requested ids through their in-memory direct map
 * (built on first use, O(1) per id after that); IDMap wrappers translate ids and gather from
 * their inner index; other indexes (Flat, ...) reconstruct by id, which they do directly.
 */
final class StoredVectors {
    private StoredVectors() {
    }

    /** The stored vectors of a blend's neighbours, read one id at a time. */
    interface Rows extends AutoCloseable {
        /** Copies the stored vector of {@code id} (one of the ids the reader was opened for) into {@code row}. */
        void read(long id, float[] row);

        @Override
        void close();
    }

    /**
     * A reader for the ids {@code sortedIds} (ascending, distinct). An IVF index (also under
     * L2norm) is read in place through its direct map: each neighbour is decoded straight into
     * the caller's row, with no gathered copy. Other indexes are gathered once, then read.
     */
    static Rows open(Index index, long[] sortedIds) {
        Index stored = index instanceof L2NormIndex normalizing ? normalizing.inner() : index;
        if (stored instanceof IvfIndex ivf) {
            return new Rows() {
                @Override
                public void read(long id, float[] row) {
                    ivf.reconstruct(id, row);
                }

                @Override
                public void close() {
                }
            };
        }
        FloatMatrix gathered = gather(stored, sortedIds);
        return new Rows() {
            @Override
            public void read(long id, float[] row) {
                gathered.copyRow(Arrays.binarySearch(sortedIds, id), row, 0);
            }

            @Override
            public void close() {
                gathered.close();
            }
        };
    }

    /**
     * Row i of the result holds the stored vector of {@code sortedIds[i]}. {@code sortedIds}
     * must be ascending and distinct. Fails naming the first id the index does not hold.
     */
    static FloatMatrix gather(Index index, long[] sortedIds) {
        FloatMatrix out = FloatMatrix.allocate(sortedIds.length, index.dim());
        try {
            if (index instanceof L2NormIndex normalizing) {
                // L2NormIndex.reconstruct returns its inner index's stored (normalised) vectors.
                out.close();
                return gather(normalizing.inner(), sortedIds);
            } else if (index instanceof IdMapIndex mapped) {
                out.close();
                return gatherMapped(mapped, sortedIds);
            } else if (index instanceof IvfIndex ivf) {
                gatherIvf(ivf, sortedIds, out);
            } else {
                for (int i = 0; i < sortedIds.length; i++) out.setRow(i, index.reconstruct(sortedIds[i]), 0);
            }
            return out;
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
    }

    /**
     * Through an IDMap: user ids -> inner rows, gathered from the inner index in one go, so an
     * inner IVF index is still scanned once rather than once per id.
     */
    private static FloatMatrix gatherMapped(IdMapIndex mapped, long[] sortedIds) {
        long[] userIdOfRow = mapped.idMap();
        long[] innerRow = new long[sortedIds.length];
        Arrays.fill(innerRow, -1);
        for (int row = 0; row < userIdOfRow.length; row++) {
            int at = Arrays.binarySearch(sortedIds, userIdOfRow[row]);
            if (at >= 0) innerRow[at] = row;
        }
        for (int i = 0; i < innerRow.length; i++) {
            if (innerRow[i] < 0) throw new IllegalArgumentException("the index holds no vector with id " + sortedIds[i]);
        }
        long[] sortedRows = innerRow.clone();
        Arrays.sort(sortedRows);
        FloatMatrix out = FloatMatrix.allocate(sortedIds.length, mapped.dim());
        try (FloatMatrix inner = gather(mapped.inner(), sortedRows)) {
            for (int i = 0; i < innerRow.length; i++) {
                MemorySegment.copy(inner.segment(), inner.rowOffset(Arrays.binarySearch(sortedRows, innerRow[i])),
                        out.segment(), out.rowOffset(i), (long) out.cols() * Float.BYTES);
            }
            return out;
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
    }

    /** O(d) per id through the index's direct map, so a blend costs O(frames * k * d). */
    private static void gatherIvf(IvfIndex ivf, long[] sortedIds, FloatMatrix out) {
        float[] row = new float[ivf.dim()];
        for (int i = 0; i < sortedIds.length; i++) {
            ivf.reconstruct(sortedIds[i], row);
            out.setRow(i, row, 0);
        }
    }
}
