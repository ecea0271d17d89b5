package dev.komsu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.index.FastScanCodec;
import dev.komsu.index.FlatCodesIndex;
import dev.komsu.index.IvfIndex;
import dev.komsu.index.RefineFlatIndex;
import dev.komsu.kernels.Metric;
import org.junit.jupiter.api.Test;

class IndexFactoryFastScanTest {
    @Test
    void ivfPqFastScanTokenBuildsAFastScanIndexWithoutResiduals() {
        try (Index index = IndexFactory.create(32, "IVF16,PQ8x4fs", Metric.L2)) {
            IvfIndex ivf = assertInstanceOf(IvfIndex.class, index);
            FastScanCodec fs = assertInstanceOf(FastScanCodec.class, ivf.codec());
            assertEquals(16, ivf.nlist());
            assertEquals(8, fs.productQuantizer().m());
            assertEquals(4, fs.productQuantizer().nbits());
            assertFalse(fs.byResidual(), "faiss's IndexIVFPQFastScan default");
        }
    }

    @Test
    void pqFastScanTokenAloneBuildsTheExhaustiveIndex() {
        try (Index index = IndexFactory.create(32, "PQ16x4fs", Metric.L2)) {
            FlatCodesIndex flat = assertInstanceOf(FlatCodesIndex.class, index);
            assertEquals(16, assertInstanceOf(FastScanCodec.class, flat.codec()).productQuantizer().m());
        }
    }

    @Test
    void rflatWrapsTheFastScanIndex() {
        try (Index index = IndexFactory.create(32, "IVF16,PQ16x4fs,RFlat", Metric.L2)) {
            RefineFlatIndex refine = assertInstanceOf(RefineFlatIndex.class, index);
            assertInstanceOf(FastScanCodec.class, assertInstanceOf(IvfIndex.class, refine.base()).codec());
        }
    }

    @Test
    void badSubQuantizerCountNamesTheToken() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IndexFactory.create(32, "IVF16,PQ7x4fs", Metric.L2));
        assertTrue(e.getMessage().contains("PQ7x4fs"), e.getMessage());
    }

    @Test
    void innerProductFastScanIndexesCarryTheMetric() {
        try (Index ivf = IndexFactory.create(32, "IVF16,PQ8x4fs", Metric.INNER_PRODUCT);
             Index flat = IndexFactory.create(32, "PQ8x4fs", Metric.INNER_PRODUCT)) {
            assertEquals(Metric.INNER_PRODUCT, assertInstanceOf(IvfIndex.class, ivf).metric());
            assertEquals(Metric.INNER_PRODUCT, assertInstanceOf(FlatCodesIndex.class, flat).metric());
        }
    }
}
