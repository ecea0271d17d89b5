package dev.komsu.io;

import dev.komsu.kernels.FloatMatrix;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A faiss interop test's folder ({@link #dir}, where the Python side runs) with its
 * {@link InteropData} written into it before each test and freed after: loose clusters drawn
 * from a fixed seed, so each subclass says only the sizes.
 */
abstract class FaissInteropTestBase {
    @TempDir
    Path dir;
    FloatMatrix data;
    FloatMatrix queries;

    private final long seed;
    private final int n;
    private final int nq;
    private final int d;
    private final int clusters;
    private InteropData sets;

    FaissInteropTestBase(long seed, int n, int nq, int d, int clusters) {
        this.seed = seed;
        this.n = n;
        this.nq = nq;
        this.d = d;
        this.clusters = clusters;
    }

    @BeforeEach
    final void writeData() throws IOException {
        sets = InteropData.write(dir, new Random(seed), n, nq, d, clusters);
        data = sets.data();
        queries = sets.queries();
    }

    @AfterEach
    final void freeData() {
        sets.close();
    }
}
