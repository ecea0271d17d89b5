package dev.komsu.spark;

import dev.komsu.SearchParams;
import java.io.Serializable;

/**
 * What a job searches for, shipped to every task: k, nprobe and kFactor when given (null: the
 * index file's stored value, as faiss searches), and how many queries go to one batched search.
 */
public record SearchSpec(int k, Integer nprobe, Float kFactor, int batch) implements Serializable {
    public SearchSpec {
        if (k <= 0) throw new IllegalArgumentException("k must be > 0, got " + k);
        if (batch <= 0) throw new IllegalArgumentException("batch must be > 0, got " + batch);
        if ((long) batch * k > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("batch " + batch + " times k " + k + " must stay below 2^31 results per batch");
        }
        // checked here, on the driver, rather than in the first task
        SearchParams.Builder b = SearchParams.builder();
        if (nprobe != null) b.nprobe(nprobe);
        if (kFactor != null) b.kFactor(kFactor);
    }

    /** k with the index's defaults: 4096 queries per batch, as {@code komsu search}. */
    public static SearchSpec of(int k) {
        return new SearchSpec(k, null, null, 4096);
    }

    public SearchSpec withNprobe(int p) {
        return new SearchSpec(k, p, kFactor, batch);
    }

    public SearchSpec withKFactor(float f) {
        return new SearchSpec(k, nprobe, f, batch);
    }

    public SearchSpec withBatch(int b) {
        return new SearchSpec(k, nprobe, kFactor, b);
    }

    /** The parameters to search with: the ones given, the file's stored ones for the rest. */
    SearchParams params(SearchParams stored) {
        SearchParams.Builder b = stored.toBuilder();
        if (nprobe != null) b.nprobe(nprobe);
        if (kFactor != null) b.kFactor(kFactor);
        return b.build();
    }
}
