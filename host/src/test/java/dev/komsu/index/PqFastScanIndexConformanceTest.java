package dev.komsu.index;

import dev.komsu.IndexTestCase;
import dev.komsu.kernels.Metric;
import java.util.List;

/** The index suite on exhaustive 4-bit PQ FastScan search. */
class PqFastScanIndexConformanceTest extends IndexTestCase {
    @Override
    protected List<Row> rows() {
        return List.of(row("PQ{m}x4fs", "PQ8x4fs", Metric.L2), row("PQ{m}x4fs", "PQ8x4fs", Metric.INNER_PRODUCT));
    }
}
