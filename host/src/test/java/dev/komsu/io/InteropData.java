package dev.komsu.io;

import dev.komsu.kernels.FloatMatrix;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

/**
 * The data and queries of a faiss interop test: loose clusters, written as {@code data.npy} and
 * {@code queries.npy} into the test's folder, where the Python side loads them. Closing frees both.
 */
record InteropData(FloatMatrix data, FloatMatrix queries) implements AutoCloseable {
    /** {@code n} rows and {@code nq} queries of {@code d} dims in {@code clusters} loose clusters, drawn from {@code rnd} in that order. */
    static InteropData write(Path dir, Random rnd, int n, int nq, int d, int clusters) throws IOException {
        FloatMatrix data = LooseClusters.of(rnd, n, d, clusters);
        FloatMatrix queries = LooseClusters.of(rnd, nq, d, clusters);
        try {
            Npy.write(dir.resolve("data.npy"), data);
            Npy.write(dir.resolve("queries.npy"), queries);
        } catch (IOException | RuntimeException e) {
            data.close();
            queries.close();
            throw e;
        }
        return new InteropData(data, queries);
    }

    @Override
    public void close() {
        data.close();
        queries.close();
    }
}
