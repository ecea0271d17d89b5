package dev.komsu.rvc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.Index;
import dev.komsu.ProgressListener;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import org.junit.jupiter.api.Test;

class RvcReductionTest {
    @Test
    void moreThan200kRowsBecome10000CentresIndexedAsIvf256AndBlendWorks() {
        int rows = 210_000;
        int d = 4; // small d keeps the test fast; the reduction does not depend on it
        ComputeBackend backend = Backends.defaultCpu();
        assertFalse(RvcReduction.applies(200_000));
        assertTrue(RvcReduction.applies(rows));
        try (FloatMatrix features = FloatMatrix.of(RvcReference.random(rows, d, 7));
             FloatMatrix centres = RvcReduction.reduce(features, 2, backend)) {
            assertEquals(RvcReduction.CENTRES, centres.rows());
            assertEquals(d, centres.cols());
            assertTrue(centres.firstNonFinite() == null, "centres are finite");
            RvcIndexBuilder builder = new RvcIndexBuilder(null, Metric.L2, 0, backend, ProgressListener.NONE);
            assertEquals("IVF256,Flat", builder.factoryFor(centres.rows())); // RVC: 10 000 -> IVF256
            try (Index index = builder.build(centres);
                 FloatMatrix chunk = features.rowRange(0, 100).copy();
                 FloatMatrix blended = FeatureRetrieval.blend(index, chunk, 8, 1f)) {
                assertEquals(RvcReduction.CENTRES, index.ntotal());
                // index rate 1: each frame becomes a mean of centres, so it lies within the centres' box
                float[] lo = centres.row(0).clone();
                float[] hi = centres.row(0).clone();
                for (int r = 1; r < centres.rows(); r++) {
                    float[] c = centres.row(r);
                    for (int j = 0; j < d; j++) {
                        lo[j] = Math.min(lo[j], c[j]);
                        hi[j] = Math.max(hi[j], c[j]);
                    }
                }
                for (int r = 0; r < 100; r++) {
                    float[] b = blended.row(r);
                    for (int j = 0; j < d; j++) assertTrue(b[j] >= lo[j] - 1e-5f && b[j] <= hi[j] + 1e-5f, "row " + r);
                }
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameCentres() {
        ComputeBackend backend = Backends.defaultCpu();
        try (FloatMatrix xs = FloatMatrix.of(RvcReference.random(5000, 3, 9));
             FloatMatrix a = new dev.komsu.quant.MiniBatchKMeans(50, 256, 1, 5, 10, backend).train(xs);
             FloatMatrix b = new dev.komsu.quant.MiniBatchKMeans(50, 256, 1, 5, 10, backend).train(xs)) {
            assertArrayEquals(a.toArray(), b.toArray());
        }
    }
}
