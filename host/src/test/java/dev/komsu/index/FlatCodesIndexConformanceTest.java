package dev.komsu.index;

import dev.komsu.IndexTestCase;
import dev.komsu.kernels.Metric;
import java.util.List;

/** The index suite on exhaustive search over PQ and SQ8 codes. */
class FlatCodesIndexConformanceTest extends IndexTestCase {
    @Override
    protected List<Row> rows() {
        return List.of(row("PQ{m}", "PQ4", Metric.L2), row("PQ{m}", "PQ4", Metric.INNER_PRODUCT),
                row("PQ{m}x{nbits}", "PQ8x4", Metric.L2), row("PQ{m}x{nbits}", "PQ8x4", Metric.INNER_PRODUCT),
                row("SQ8", "SQ8", Metric.L2), row("SQ8", "SQ8", Metric.INNER_PRODUCT));
    }
}
