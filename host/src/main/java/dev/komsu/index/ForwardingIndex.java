package dev.komsu.index;

import dev.komsu.Index;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import java.util.Objects;

/**
 * An index that wraps another and forwards what it does not change (Lucene's FilterCodec,
 * FilterLeafReader): the wrappers (IDMap, L2norm, RFlat) override only their own part. It owns
 * the inner index and closes it. The guard around add and search is the wrapper's own, so a
 * wrapper's add is never half done.
 */
abstract class ForwardingIndex extends GuardedIndex {
    private final Index inner;

    ForwardingIndex(Index inner, String name) {
        this.inner = Objects.requireNonNull(inner, name);
    }

    Index delegate() {
        return inner;
    }

    /** The index that holds the vectors reconstruct returns: the inner one unless the wrapper keeps its own. */
    Index vectorSource() {
        return inner;
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
        inner.train(xs);
    }

    @Override
    public float[] reconstruct(long id) {
        return vectorSource().reconstruct(id);
    }

    @Override
    public FloatMatrix reconstructN(long from, long n) {
        return vectorSource().reconstructN(from, n);
    }

    @Override
    public void close() {
        inner.close();
    }
}
