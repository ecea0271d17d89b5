package dev.komsu.index;

import dev.komsu.IdSelector;
import dev.komsu.Index;
import dev.komsu.RangeSearchResult;
import dev.komsu.SearchParams;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Neighbors;

/**
 * Normalises every vector to unit L2 length before the inner index sees it ("L2norm,...",
 * faiss IndexPreTransform with a NormalizationTransform). With inner product this is cosine
 * similarity. Zero vectors stay zero, as in faiss's fvec_renorm_L2. Reconstruct returns the
 * stored (normalised) vector, as faiss's IndexPreTransform does without a reverse transform.
 */
public final class L2NormIndex extends ForwardingIndex {
    public L2NormIndex(Index inner) {
        super(inner, "inner");
    }

    public Index inner() {
        return delegate();
    }

    /** A normalised copy of {@code xs}; the caller closes it. */
    public static FloatMatrix normalized(FloatMatrix xs) {
        FloatMatrix out = xs.copy();
        float[] row = new float[xs.cols()];
        for (long r = 0; r < xs.rows(); r++) {
            out.copyRow(r, row, 0);
            double s = 0;
            for (float v : row) s += (double) v * v;
            if (s > 0) {
                float inv = (float) (1.0 / Math.sqrt(s));
                for (int j = 0; j < row.length; j++) row[j] *= inv;
                out.setRow(r, row, 0);
            }
        }
        return out;
    }

    /** {@code xs} normalised after the usual checks (the copy is what the inner index sees). */
    private FloatMatrix checkedNormalized(String what, FloatMatrix xs) {
        InputChecks.checkVectors(what, xs, dim());
        return normalized(xs);
    }

    @Override
    public void train(FloatMatrix xs) {
        try (FloatMatrix n = checkedNormalized("training vectors", xs)) {
            inner().train(n);
        }
    }

    @Override
    void addUnguarded(FloatMatrix xs) {
        try (FloatMatrix n = checkedNormalized("added vectors", xs)) {
            inner().add(n);
        }
    }

    @Override
    void addWithIdsUnguarded(FloatMatrix xs, long[] ids) {
        try (FloatMatrix n = checkedNormalized("added vectors", xs)) {
            inner().addWithIds(n, ids);
        }
    }

    @Override
    Neighbors searchUnguarded(FloatMatrix queries, int k, SearchParams params) {
        try (FloatMatrix n = checkedNormalized("queries", queries)) {
            return inner().search(n, k, params);
        }
    }

    /** faiss's IndexPreTransform::remove_ids: the inner index removes them. */
    @Override
    long removeIdsUnguarded(IdSelector selector) {
        return inner().removeIds(selector);
    }

    @Override
    RangeSearchResult rangeSearchUnguarded(FloatMatrix queries, float radius, SearchParams params) {
        try (FloatMatrix n = checkedNormalized("queries", queries)) {
            return inner().rangeSearch(n, radius, params);
        }
    }

    /** The inner indexes merge (both hold normalised vectors already). */
    @Override
    void mergeFromUnguarded(Index other, long addId) {
        if (!(other instanceof L2NormIndex o)) {
            throw new IllegalArgumentException("cannot merge " + other.getClass().getSimpleName() + " into an L2norm index");
        }
        inner().mergeFrom(o.inner(), addId);
    }

    @Override
    public String describe() {
        return "L2norm," + inner().describe();
    }
}
