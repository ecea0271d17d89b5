package dev.komsu.index;

import dev.komsu.Index;
import dev.komsu.SearchParams;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.util.Objects;

/**
 * Normalises every vector to unit L2 length before the inner index sees it ("L2norm,...",
 * faiss IndexPreTransform with a NormalizationTransform). With inner product this is cosine
 * similarity. Zero vectors stay zero, as in faiss's fvec_renorm_L2.
 */
public final class L2NormIndex implements Index {
    private final ConcurrencyGuard guard = new ConcurrencyGuard();
    private final Index inner;

    public L2NormIndex(Index inner) {
        this.inner = Objects.requireNonNull(inner, "inner");
    }

    public Index inner() {
        return inner;
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

    @Override
    public int dim() {
        return inner.dim();
    }

    @Override
    public Metric metric() {
        return inner.metric();
    }

    @Override
    public long ntotal() {
        return inner.ntotal();
    }

    @Override
    public boolean isTrained() {
        return inner.isTrained();
    }

    @Override
    public void train(FloatMatrix xs) {
        InputChecks.checkVectors("training vectors", xs, dim());
        try (FloatMatrix n = normalized(xs)) {
            inner.train(n);
        }
    }

    @Override
    public void add(FloatMatrix xs) {
        guard.enterAdd();
        try {
            addUnguarded(xs);
        } finally {
            guard.exitAdd();
        }
    }

    private void addUnguarded(FloatMatrix xs) {
        InputChecks.checkVectors("added vectors", xs, dim());
        try (FloatMatrix n = normalized(xs)) {
            inner.add(n);
        }
    }

    @Override
    public void addWithIds(FloatMatrix xs, long[] ids) {
        guard.enterAdd();
        try {
            addWithIdsUnguarded(xs, ids);
        } finally {
            guard.exitAdd();
        }
    }

    private void addWithIdsUnguarded(FloatMatrix xs, long[] ids) {
        InputChecks.checkVectors("added vectors", xs, dim());
        try (FloatMatrix n = normalized(xs)) {
            inner.addWithIds(n, ids);
        }
    }

    @Override
    public Neighbors search(FloatMatrix queries, int k, SearchParams params) {
        guard.enterSearch();
        try {
            return searchUnguarded(queries, k, params);
        } finally {
            guard.exitSearch();
        }
    }

    private Neighbors searchUnguarded(FloatMatrix queries, int k, SearchParams params) {
        InputChecks.checkVectors("queries", queries, dim());
        try (FloatMatrix n = normalized(queries)) {
            return inner.search(n, k, params);
        }
    }

    /** The stored (normalised) vector, as faiss's IndexPreTransform returns it without reverse transform. */
    @Override
    public float[] reconstruct(long id) {
        return inner.reconstruct(id);
    }

    @Override
    public FloatMatrix reconstructN(long from, long n) {
        return inner.reconstructN(from, n);
    }

    @Override
    public String describe() {
        return "L2norm," + inner.describe();
    }

    @Override
    public void close() {
        inner.close();
    }
}
