package dev.komsu.rvc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.io.DebianPython;
import dev.komsu.io.Npy;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The blend against RVC's own numpy lines, run by Debian's python (skipped where numpy is missing). */
class FeatureRetrievalNumpyTest {
    // RVC's pipeline after index.search (score = squared L2 distances, ix = labels), with the
    // search done by brute force in float64 on the same data.
    private static final String RVC_BLEND = """
            import numpy as np
            big_npy = np.load("stored.npy")
            feats = np.load("features.npy")
            d = ((feats[:, None, :].astype(np.float64) - big_npy[None, :, :].astype(np.float64)) ** 2).sum(axis=2)
            ix = np.argsort(d, axis=1, kind="stable")[:, :8]
            score = np.take_along_axis(d, ix, axis=1).astype(np.float32)
            weight = np.square(1 / score)
            weight /= weight.sum(axis=1, keepdims=True)
            npy = np.sum(big_npy[ix] * np.expand_dims(weight, axis=2), axis=1)
            index_rate = 0.75
            out = index_rate * npy + (1 - index_rate) * feats
            np.save("expected.npy", out.astype(np.float32))
            """;

    @Test
    void blendMatchesRvcsNumpyCode(@TempDir Path dir) throws Exception {
        DebianPython.assumeModules("numpy");
        float[][] stored = RvcReference.random(400, 24, 21);
        float[][] features = RvcReference.random(30, 24, 22);
        try (FloatMatrix s = FloatMatrix.of(stored);
             FloatMatrix f = FloatMatrix.of(features);
             Index index = IndexFactory.create(24, "Flat", Metric.L2, Backends.scalar())) {
            Npy.write(dir.resolve("stored.npy"), s);
            Npy.write(dir.resolve("features.npy"), f);
            DebianPython.runOk(RVC_BLEND, dir);
            index.add(s);
            try (FloatMatrix expected = Npy.readMatrix(dir.resolve("expected.npy"));
                 FloatMatrix out = FeatureRetrieval.blend(index, f, 8, 0.75f)) {
                assertEquals(expected.rows(), out.rows());
                for (long r = 0; r < out.rows(); r++) {
                    for (int c = 0; c < out.cols(); c++) {
                        float e = expected.get(r, c);
                        assertEquals(e, out.get(r, c), 1e-5f * Math.max(1, Math.abs(e)), "row " + r + " column " + c);
                    }
                }
            }
        }
    }
}
