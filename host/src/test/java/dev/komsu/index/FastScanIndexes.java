package dev.komsu.index;

import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.Metric;
import dev.komsu.quant.ProductQuantizer;

/** FastScan indexes as the factory builds them, with the choices the factory string leaves fixed open to tests. */
public final class FastScanIndexes {
    private FastScanIndexes() {
    }

    /** "IVF{nlist},PQ{m}x4fs", by residual or not. */
    public static IvfIndex ivf(int dim, int nlist, int m, Metric metric, boolean byResidual, ComputeBackend backend) {
        return new IvfIndex(dim, nlist, metric, FastScanCodec.ivf(new ProductQuantizer(dim, m, 4), byResidual), backend);
    }

    /** "PQ{m}x4fs". */
    public static FlatCodesIndex flat(int dim, int m, Metric metric, ComputeBackend backend) {
        return new FlatCodesIndex(dim, metric, FastScanCodec.flat(new ProductQuantizer(dim, m, 4)), backend);
    }

    /** The FastScan codec of an IVF or flat-codes index. */
    public static FastScanCodec codec(Object index) {
        if (index instanceof IvfIndex ivf) return (FastScanCodec) ivf.codec();
        return (FastScanCodec) ((FlatCodesIndex) index).codec();
    }
}
