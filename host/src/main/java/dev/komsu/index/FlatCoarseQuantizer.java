package dev.komsu.index;

import dev.komsu.SearchParams;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.util.Objects;

/** Exact coarse assignment over a {@link FlatIndex} of the centroids, faiss's default ("IVF{n},…"). */
public final class FlatCoarseQuantizer implements CoarseQuantizer {
    private final FlatIndex flat;

    /** A quantiser over {@code flat}'s rows (empty: untrained), which it owns. */
    public FlatCoarseQuantizer(FlatIndex flat) {
        this.flat = Objects.requireNonNull(flat, "quantizer");
    }

    @Override
    public FlatIndex index() {
        return flat;
    }

    @Override
    public ComputeBackend backend() {
        return flat.backend();
    }

    @Override
    public FloatMatrix vectors() {
        return flat.vectors();
    }

    @Override
    public Neighbors search(FloatMatrix queries, int nprobe, SearchParams params) {
        return flat.search(queries, nprobe);
    }

    /** faiss trains a Flat quantiser by clustering with it: k-means assigns with the index's metric. */
    @Override
    public Metric clusteringMetric() {
        return flat.metric();
    }

    @Override
    public void setCentroids(FloatMatrix centroids) {
        flat.reset(centroids);
    }

    @Override
    public String factoryTag() {
        return "";
    }

    @Override
    public String describe() {
        return "quantizer=Flat";
    }

    @Override
    public long memoryBytes() {
        return flat.ntotal() * flat.dim() * Float.BYTES;
    }

    @Override
    public void close() {
        flat.close();
    }
}
