package dev.komsu.index;

import dev.komsu.IndexTestCase;
import dev.komsu.kernels.Metric;
import java.util.List;

/** The index suite on exhaustive Flat search. */
class FlatIndexConformanceTest extends IndexTestCase {
    @Override
    protected List<Row> rows() {
        return List.of(row("Flat", "Flat", Metric.L2), row("Flat", "Flat", Metric.INNER_PRODUCT),
                row("Flat", "Flat", Metric.L1), row("Flat", "Flat", Metric.LINF));
    }
}
