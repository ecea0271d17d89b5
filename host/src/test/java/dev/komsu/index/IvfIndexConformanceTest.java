package dev.komsu.index;

import dev.komsu.IndexTestCase;
import dev.komsu.kernels.Metric;
import java.util.List;

/** The index suite on IVF indexes with every codec: Flat (with faiss's four metrics), PQ (8 and 4 bits), FastScan, SQ8. */
class IvfIndexConformanceTest extends IndexTestCase {
    @Override
    protected List<Row> rows() {
        return List.of(row("IVF{n},Flat", "IVF8,Flat", Metric.L2), row("IVF{n},Flat", "IVF8,Flat", Metric.INNER_PRODUCT),
                row("IVF{n},Flat", "IVF8,Flat", Metric.L1), row("IVF{n},Flat", "IVF8,Flat", Metric.LINF),
                row("IVF{n},PQ{m}", "IVF8,PQ4", Metric.L2), row("IVF{n},PQ{m}", "IVF8,PQ4", Metric.INNER_PRODUCT),
                row("IVF{n},PQ{m}x{nbits}", "IVF8,PQ8x4", Metric.L2), row("IVF{n},PQ{m}x{nbits}", "IVF8,PQ8x4", Metric.INNER_PRODUCT),
                row("IVF{n},PQ{m}x4fs", "IVF8,PQ8x4fs", Metric.L2), row("IVF{n},PQ{m}x4fs", "IVF8,PQ8x4fs", Metric.INNER_PRODUCT),
                row("IVF{n},SQ8", "IVF8,SQ8", Metric.L2), row("IVF{n},SQ8", "IVF8,SQ8", Metric.INNER_PRODUCT));
    }
}
