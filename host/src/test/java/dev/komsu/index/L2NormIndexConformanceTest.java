package dev.komsu.index;

import dev.komsu.IndexTestCase;
import dev.komsu.kernels.Metric;
import java.util.List;

/** The index suite on L2norm, normalised vectors for cosine similarity. */
class L2NormIndexConformanceTest extends IndexTestCase {
    @Override
    protected List<Row> rows() {
        return List.of(row("L2norm,{index}", "L2norm,Flat", Metric.INNER_PRODUCT),
                row("L2norm,{index}", "L2norm,IVF8,Flat", Metric.INNER_PRODUCT));
    }
}
