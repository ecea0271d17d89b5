package dev.komsu.kernels.opencl;

import java.util.List;
import org.jocl.cl_kernel;

/**
 * The one IVF list-scan kernel ({@code ivf_scan.cl}) built for a codec ({@code scan_flat.cl},
 * {@code scan_pq.cl}, {@code scan_sq8.cl}: the distance as compile-time hooks, as faiss's
 * {@code ivfInterleavedScan<Codec>}), and its argument order: the store, the codec's arguments,
 * then the skeleton's (biases, queries, probes, chunks, k, outputs), and the local memory of the
 * work-group shape (the codec's, then the top-k's).
 */
final class IvfScanKernel {
    private static final int ENTRY_BYTES = Float.BYTES + Long.BYTES;

    private IvfScanKernel() {
    }

    /** The kernel of {@code codec} in the work-group or per-item shape, rows blocked by {@code block}. */
    static cl_kernel of(ClRuntime rt, String codec, int block, boolean workGroup) {
        return rt.kernel(List.of("topk.cl", codec, "ivf_scan.cl"), "-DBLOCK=" + block + (workGroup ? " -DWORK_GROUP" : ""),
                "ivf_scan");
    }

    /**
     * Appends the skeleton's arguments after the codec's: the probes' biases ({@code null}: none;
     * {@code any} stands in, unread), queries [q0, q0 + n) of the launch, the probes and chunks, k.
     */
    static ClRuntime.Args probes(ClRuntime.Args codecArgs, ClBuffer biases, ClBuffer any, int q0, int n, int ip,
                                 ClBuffer probes, int nprobe, int perChunk, int nchunks, int k) {
        return codecArgs.buffer(biases == null ? any : biases).i32(biases == null ? 0 : 1).i32(q0).i32(n).i32(ip)
                .buffer(probes).i32(nprobe).i32(perChunk).i32(nchunks).i32(k);
    }

    /** Work-group shape: top-k sizes and outputs, then the codec's local memory (added by the caller's {@code codecLocals}). */
    static ClRuntime.Args groupOutputs(ClRuntime.Args args, int kk, int c, ClBuffer keys, ClBuffer ids) {
        return args.i32(kk).i32(c).buffer(keys).buffer(ids);
    }

    /** Work-group shape: the top-k's local memory, after the codec's. */
    static ClRuntime.Args topkLocals(ClRuntime.Args args, int kk, int c) {
        return args.local((long) kk * Float.BYTES).local((long) kk * Long.BYTES)
                .local((long) c * Float.BYTES).local((long) c * Long.BYTES).local(Integer.BYTES);
    }

    /** Per-item shape: outputs and the codec's per-work-item scratch ({@code any} when it needs none). */
    static ClRuntime.Args itemOutputs(ClRuntime.Args args, ClBuffer keys, ClBuffer ids, ClBuffer scratch) {
        return args.buffer(keys).buffer(ids).buffer(scratch);
    }

    /** Local memory of the work-group top-k (DeviceSearch.localBytes without a query row). */
    static long topkLocalBytes(int k, int wg) {
        int kk = DeviceSearch.pow2AtLeast(k);
        return (long) (kk + DeviceSearch.candidateCapacity(kk, wg)) * ENTRY_BYTES + Integer.BYTES;
    }
}
