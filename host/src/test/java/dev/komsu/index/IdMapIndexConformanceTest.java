package dev.komsu.index;

import dev.komsu.IndexTestCase;
import dev.komsu.kernels.Metric;
import java.util.List;

/** The index suite on IDMap and IDMap2: caller ids over any index. */
class IdMapIndexConformanceTest extends IndexTestCase {
    @Override
    protected List<Row> rows() {
        return List.of(row("IDMap,{index}", "IDMap,Flat", Metric.L2), row("IDMap2,{index}", "IDMap2,IVF8,Flat", Metric.INNER_PRODUCT),
                row("IDMap,{index}", "IDMap,IVF8,PQ8x4fs", Metric.L2));
    }
}
