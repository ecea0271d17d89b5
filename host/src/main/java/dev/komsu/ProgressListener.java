package dev.komsu;

/** Receives progress of long steps (k-means iterations, adding in batches). */
@FunctionalInterface
public interface ProgressListener {
    /** Does nothing. */
    ProgressListener NONE = (stage, done, total) -> { };

    /**
     * @param stage what is running, e.g. "k-means" or "add"
     * @param done  units finished so far
     * @param total units in all (iterations, rows)
     */
    void onProgress(String stage, long done, long total);
}
