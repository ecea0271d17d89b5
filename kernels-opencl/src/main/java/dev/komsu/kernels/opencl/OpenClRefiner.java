package dev.komsu.kernels.opencl;

import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.GatherSummation;
import dev.komsu.kernels.KernelChecks;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.Refiner;
import dev.komsu.kernels.ResidentMatrix;
import java.util.List;
import java.util.Objects;
import org.jocl.cl_kernel;

/**
 * The refine step on an OpenCL device ({@code refine.cl}): the base resident row-major (shared
 * with the CPU-device knn's copy of the same matrix), queries and candidate rows uploaded per
 * call, exact distances summed exactly as the CPU's {@code gatherDistances} sums them (see
 * {@link GatherSummation}), top-k by (distance, smaller row) on the device, nq x k read back.
 *
 * <p>What the device cannot take (k above {@link OpenClOptions#maxDeviceK()}, a base above its
 * largest buffer, on GPU-shaped devices kIn candidates whose keys do not fit local memory) runs on
 * the CPU form, as does everything after a device failure.
 */
final class OpenClRefiner implements Refiner {
    // Queries, candidates and results of one chunk stay under this; larger batches run in chunks.
    private static final long MAX_CHUNK_BYTES = 64L << 20;
    private static final List<String> SOURCES = List.of("topk.cl", "refine.cl");
    // Row-major: a refine work-group or work-item reads whole rows.
    private static final int ROW_MAJOR = 1;

    private final OpenClBackend backend;
    private final OpenClOptions options;
    private final boolean workGroupShape;
    private final GatherSummation summation;
    private final Refiner cpu;
    private final long maxChunkBytes;

    OpenClRefiner(OpenClBackend backend, OpenClOptions options, boolean workGroupShape, GatherSummation summation,
                  Refiner cpu) {
        this(backend, options, workGroupShape, summation, cpu, MAX_CHUNK_BYTES);
    }

    /** With a smaller {@code maxChunkBytes}, so tests can force batches into several chunks. */
    OpenClRefiner(OpenClBackend backend, OpenClOptions options, boolean workGroupShape, GatherSummation summation,
                  Refiner cpu, long maxChunkBytes) {
        this.maxChunkBytes = maxChunkBytes;
        this.backend = Objects.requireNonNull(backend, "backend");
        this.options = Objects.requireNonNull(options, "options");
        this.workGroupShape = workGroupShape;
        this.summation = Objects.requireNonNull(summation, "summation");
        this.cpu = Objects.requireNonNull(cpu, "cpu");
    }

    @Override
    public Neighbors refine(FloatMatrix queries, FloatMatrix base, long[] candidates, int kIn, int k, Metric metric) {
        return refine(queries, ResidentMatrix.onHost(base, null), candidates, kIn, k, metric);
    }

    @Override
    public Neighbors refine(FloatMatrix queries, ResidentMatrix base, long[] candidates, int kIn, int k, Metric metric) {
        FloatMatrix host = base.host();
        int nq = KernelChecks.checkRefine(queries, host, candidates, kIn, k);
        if (!backend.computes(metric)) return cpu.refine(queries, base, candidates, kIn, k, metric); // L1, L-infinity
        int d = host.cols();
        OpenClDevice device = backend.device();
        boolean fits = k <= options.maxDeviceK()
                && DeviceMatrix.deviceBytes(host.rows(), d, ROW_MAJOR) <= device.maxAllocBytes()
                && (!workGroupShape || localBytes(d, kIn, k, options.workGroupSize()) <= device.localMemBytes());
        return backend.onDevice("refine", fits, rt -> {
            Neighbors out = Neighbors.empty(nq, k, metric);
            if (nq == 0 || host.rows() == 0) return out;
            ClResident.Matrix r = ClResident.of(backend, base);
            try {
                // The same layout key as knn's row-major copy on CPU devices: one copy serves both.
                DeviceMatrix dm = r.device(new ClResident.Layout("matrix", ROW_MAJOR), DeviceMatrix.class,
                        () -> DeviceMatrix.upload(rt, host, ROW_MAJOR));
                refine(rt, dm, queries, candidates, kIn, k, metric, out);
            } finally {
                r.endCall();
            }
            return out;
        }, () -> cpu.refine(queries, host, candidates, kIn, k, metric));
    }

    /** Keys a work-group sorts: a power of two holding the kIn candidates and the k results. */
    static int sortedKeys(int kIn, int k) {
        return DeviceSearch.pow2AtLeast(Math.max(kIn, k));
    }

    private long localBytes(int d, int kIn, int k, int wg) {
        return (long) d * Float.BYTES + (long) wg * Float.BYTES + (long) sortedKeys(kIn, k) * (Float.BYTES + Long.BYTES);
    }

    private void refine(ClRuntime rt, DeviceMatrix base, FloatMatrix queries, long[] candidates, int kIn, int k,
                        Metric metric, Neighbors out) {
        int nq = (int) queries.rows();
        int d = base.cols;
        int ip = metric == Metric.INNER_PRODUCT ? 1 : 0;
        long perQuery = (long) d * Float.BYTES + (long) kIn * Long.BYTES + (long) k * (Float.BYTES + Long.BYTES);
        int chunk = (int) Math.max(1, Math.min(nq, maxChunkBytes / perQuery));
        String defines = "-DLANES=" + summation.lanes() + " -DFUSED=" + (summation.fused() ? 1 : 0);
        float[] keys = new float[chunk * k];
        long[] ids = new long[chunk * k];
        for (int q0 = 0; q0 < nq; q0 += chunk) {
            int cq = Math.min(chunk, nq - q0);
            try (ClBuffer qbuf = rt.allocate((long) cq * d * Float.BYTES);
                 ClBuffer cand = DeviceArrays.upload(rt, java.util.Arrays.copyOfRange(candidates, q0 * kIn, (q0 + cq) * kIn));
                 ClBuffer ok = rt.allocate((long) cq * k * Float.BYTES);
                 ClBuffer oi = rt.allocate((long) cq * k * Long.BYTES)) {
                rt.write(qbuf, 0, queries.rowRange(q0, cq).segment());
                ClRuntime.Args args = new ClRuntime.Args().buffer(base.vectors).i32(d).buffer(qbuf).buffer(cand).i32(kIn)
                        .i32(k).i32(ip);
                if (workGroupShape) {
                    cl_kernel kernel = rt.kernel(SOURCES, defines, "refine_wg");
                    int wg = teamsSize(rt.maxWorkGroup(kernel), options.workGroupSize(), summation.lanes());
                    int kp = sortedKeys(kIn, k);
                    args.i32(kp).buffer(ok).buffer(oi).local((long) d * Float.BYTES).local((long) wg * Float.BYTES)
                            .local((long) kp * Float.BYTES).local((long) kp * Long.BYTES);
                    rt.launch(kernel, args, (long) cq * wg, wg);
                } else {
                    rt.launch(rt.kernel(SOURCES, defines, "refine_item"), args.i32(cq).buffer(ok).buffer(oi), cq, 0);
                }
                DeviceArrays.read(rt, ok, keys, 0, cq * k);
                DeviceArrays.read(rt, oi, ids, 0, cq * k);
            }
            for (int i = 0; i < cq * k; i++) {
                int at = q0 * k + i;
                if (ids[i] == DeviceSearch.EMPTY_ID) {
                    out.distances()[at] = metric.emptyDistance();
                    out.labels()[at] = -1L;
                } else {
                    out.distances()[at] = metric.fromKey(keys[i]);
                    out.labels()[at] = ids[i];
                }
            }
        }
    }

    // A group of whole teams of `lanes` work-items, at most `wanted` and what the kernel allows.
    private static int teamsSize(long max, int wanted, int lanes) {
        long wg = Math.min(wanted, max);
        wg -= wg % lanes;
        return (int) Math.max(lanes, wg);
    }
}
