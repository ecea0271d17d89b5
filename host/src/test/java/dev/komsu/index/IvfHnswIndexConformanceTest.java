package dev.komsu.index;

import dev.komsu.IndexTestCase;
import dev.komsu.kernels.Metric;
import java.util.List;

/**
 * The index suite on IVF indexes whose coarse quantiser is an HNSW graph ("IVF{n}_HNSW{M},…"),
 * with the codecs that differ in how they use the quantiser: Flat, PQ (residuals, coarse
 * distances), FastScan and SQ8, and an RFlat wrapper over one of them.
 */
class IvfHnswIndexConformanceTest extends IndexTestCase {
    @Override
    protected List<Row> rows() {
        return List.of(row("IVF{n}_HNSW{m},Flat", "IVF8_HNSW4,Flat", Metric.L2),
                row("IVF{n}_HNSW{m},Flat", "IVF8_HNSW4,Flat", Metric.INNER_PRODUCT),
                row("IVF{n}_HNSW{m},PQ{m}", "IVF8_HNSW4,PQ4", Metric.L2),
                row("IVF{n}_HNSW{m},PQ{m}x4fs", "IVF8_HNSW32,PQ8x4fs", Metric.L2),
                row("IVF{n}_HNSW{m},PQ{m}x4fs", "IVF8_HNSW32,PQ8x4fs", Metric.INNER_PRODUCT),
                row("IVF{n}_HNSW{m},SQ8", "IVF8_HNSW16,SQ8", Metric.L2),
                row("{index},RFlat", "IVF8_HNSW8,PQ4,RFlat", Metric.L2));
    }
}
