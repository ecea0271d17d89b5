package dev.komsu.index;

import dev.komsu.IndexTestCase;
import dev.komsu.kernels.Metric;
import java.util.List;

/** The index suite on RFlat, exact re-ranking of a lossy index's candidates. */
class RefineFlatIndexConformanceTest extends IndexTestCase {
    @Override
    protected List<Row> rows() {
        return List.of(row("{index},RFlat", "IVF8,PQ8x4fs,RFlat", Metric.L2),
                row("{index},RFlat", "IVF8,PQ4,RFlat", Metric.L2), row("{index},RFlat", "IVF8,PQ4,RFlat", Metric.INNER_PRODUCT),
                row("{index},RFlat", "SQ8,RFlat", Metric.L2));
    }
}
