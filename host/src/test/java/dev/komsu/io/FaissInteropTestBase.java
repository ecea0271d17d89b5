package dev.komsu.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Neighbors;
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

    /** {@link #assertSameLabelsTiesAside(long[], float[], Neighbors, int, String)} against faiss's {@code name_I.npy} and {@code name_D.npy}. */
    void assertSameLabelsTiesAside(String name, Neighbors r, int k) throws IOException {
        assertSameLabelsTiesAside(Npy.readLongs(dir.resolve(name + "_I.npy")), Npy.readFloats(dir.resolve(name + "_D.npy")),
                r, k, name);
    }

    /**
     * Labels equal to faiss's, except where faiss's distance at that rank ties komsu's (a sum in
     * another order may flip a near tie; SQ8's decoded vectors repeat, so exact ties are common
     * there); at most 1% of them; distances equal within float rounding.
     */
    static void assertSameLabelsTiesAside(long[] labels, float[] distances, Neighbors r, int k, String name) {
        int differ = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == r.labels()[i]) continue;
            float tol = 1e-5f * Math.max(1f, Math.abs(distances[i]));
            assertEquals(distances[i], r.distances()[i], tol, name + ": rank " + i % k + " of query " + i / k
                    + " is " + r.labels()[i] + ", faiss " + labels[i]);
            differ++;
        }
        assertTrue(differ <= labels.length / 100, name + ": " + differ + " tied labels differ");
        for (int i = 0; i < labels.length; i++) {
            assertEquals(distances[i], r.distances()[i], 1e-4f * Math.max(1f, Math.abs(distances[i])), name + " distance " + i);
        }
    }
}
