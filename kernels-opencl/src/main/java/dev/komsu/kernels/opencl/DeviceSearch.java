package dev.komsu.kernels.opencl;

import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.jocl.cl_kernel;

/**
 * Runs knn and list scans on one device over resident data: sizes the launch (queries per group,
 * base slices or probe chunks so the device has enough groups to fill its compute units), streams
 * the queries in chunks, merges partial top-k lists on the device and reads back only nq x k
 * results. Not thread-safe: the backend serialises access.
 */
final class DeviceSearch {
    /** The id the kernels give empty slots (EMPTY_ID in topk.cl). */
    static final long EMPTY_ID = Long.MAX_VALUE;
    // Partial lists of one query chunk stay under this, so huge batches run in several chunks.
    private static final long MAX_PARTIAL_BYTES = 256L << 20;
    // Work-items or groups per compute unit we aim for, so every unit has work queued.
    private static final int GROUPS_PER_UNIT = 8;
    // Queries per work-item of the CPU-device knn kernel.
    private static final int ITEM_QUERIES = 4;
    private static final int ENTRY_BYTES = Float.BYTES + Long.BYTES;
    private static final List<String> KNN = List.of("topk.cl", "knn.cl");
    private static final List<String> MERGE = List.of("topk.cl", "merge.cl");

    private final ClRuntime rt;
    private final OpenClOptions options;
    private final boolean workGroupShape;
    private final int block;

    DeviceSearch(ClRuntime rt, OpenClOptions options, boolean workGroupShape) {
        this.rt = rt;
        this.options = options;
        this.workGroupShape = workGroupShape;
        this.block = workGroupShape ? OpenClOptions.BLOCK : 1;
    }

    /** Rows per block of the resident layout these kernels read. */
    int block() {
        return block;
    }

    ClRuntime runtime() {
        return rt;
    }

    /** True for the GPU-shaped work-group kernels, false for the per-work-item CPU-device ones. */
    boolean workGroupShape() {
        return workGroupShape;
    }

    static int pow2AtLeast(int v) {
        return v <= 1 ? 1 : Integer.highestOneBit(v - 1) << 1;
    }

    /** Local memory of the work-group top-k for qb queries of dimension d. */
    static long localBytes(int qb, int d, int k, int wg) {
        int kk = pow2AtLeast(k);
        int c = candidateCapacity(kk, wg);
        // knn_wg pads each query row to whole float4s (the IVF-Flat work-group scan needs no more than that)
        return (long) qb * (DeviceMatrix.roundUp(d, 4) * Float.BYTES + (long) (kk + c) * ENTRY_BYTES + Integer.BYTES);
    }

    /**
     * Candidate buffer entries per query: at least K (a merge keeps the K best of the buffer) and
     * at least the group size (one round adds up to one candidate per work-item). Once the
     * threshold has settled few rows pass it, so a buffer of one round merges rarely; larger
     * buffers would cost local memory that limits queries per group.
     */
    static int candidateCapacity(int kk, int wg) {
        return Math.max(kk, pow2AtLeast(wg));
    }

    /** True when a search with this k and d can run on the device (local memory suffices). */
    boolean fits(int k, int d, boolean lists) {
        if (k > options.maxDeviceK()) return false;
        if (!workGroupShape) return true;
        int wg = lists ? options.listWorkGroupSize() : options.workGroupSize();
        return localBytes(1, d, k, wg) <= rt.device().localMemBytes();
    }

    Neighbors knn(DeviceMatrix base, FloatMatrix queries, int k, Metric metric) {
        int nq = (int) queries.rows();
        int d = base.cols;
        long n = base.rows;
        Neighbors out = Neighbors.empty(nq, k, metric);
        if (nq == 0 || n == 0) return out;
        int units = Math.max(1, rt.device().computeUnits());
        String defines = "-DBLOCK=" + block;
        int ip = metric == Metric.INNER_PRODUCT ? 1 : 0;
        if (workGroupShape) {
            // Queries per group: the most that fit in local memory, or 1 for batches smaller than
            // that, so a device builds few knn programs (QB is a compile-time register count).
            int qb = options.maxQueriesPerGroup();
            while (qb > 1 && localBytes(qb, d, k, options.workGroupSize()) > rt.device().localMemBytes()) qb >>= 1;
            if (qb > nq) qb = 1;
            cl_kernel kernel = rt.kernel(KNN, defines + " -DQB=" + qb, "knn_wg");
            int wg = groupSize(kernel, options.workGroupSize());
            int kk = pow2AtLeast(k);
            int c = candidateCapacity(kk, wg);
            long qGroups = (nq + qb - 1) / qb;
            long slices = clamp(ceilDiv(GROUPS_PER_UNIT * units, qGroups), ceilDiv(n, wg));
            long sliceRows = DeviceMatrix.roundUp(ceilDiv(n, slices), block);
            int nslices = (int) ceilDiv(n, sliceRows);
            final int fqb = qb;
            forChunks(queries, k, nslices, qb, out, metric, (q0, cq, qbuf, pk, pi) -> {
                rt.launch(kernel, new ClRuntime.Args().buffer(base.vectors).i64(n).i32(d).buffer(qbuf).i32(cq).i32(ip)
                        .i64(sliceRows).i32(nslices).i32(k).i32(kk).i32(c).buffer(pk).buffer(pi)
                        .local(fqb * DeviceMatrix.roundUp(d, 4) * Float.BYTES).local((long) fqb * kk * Float.BYTES).local((long) fqb * kk * Long.BYTES)
                        .local((long) fqb * c * Float.BYTES).local((long) fqb * c * Long.BYTES).local((long) fqb * Integer.BYTES),
                        ceilDiv(cq, fqb) * nslices * wg, wg);
                return nslices;
            });
        } else {
            // Queries per work-item: a fixed 4 (a row loaded once serves 4 queries), or 1 for
            // batches smaller than that.
            int qb = nq >= ITEM_QUERIES ? ITEM_QUERIES : 1;
            cl_kernel kernel = rt.kernel(KNN, defines + " -DQB=" + qb, "knn_item");
            long qGroups = ceilDiv(nq, qb);
            long slices = clamp(ceilDiv(GROUPS_PER_UNIT * units, qGroups), ceilDiv(n, 512));
            long sliceRows = ceilDiv(n, slices);
            int nslices = (int) ceilDiv(n, sliceRows);
            forChunks(queries, k, nslices, qb, out, metric, (q0, cq, qbuf, pk, pi) -> {
                rt.launch(kernel, new ClRuntime.Args().buffer(base.vectors).i64(n).i32(d).buffer(qbuf).i32(cq).i32(ip)
                        .i64(sliceRows).i32(nslices).i32(k).buffer(pk).buffer(pi), ceilDiv(cq, qb) * nslices, 1);
                return nslices;
            });
        }
        return out;
    }

    Neighbors scanLists(DeviceListStore lists, FloatMatrix queries, int[] probes, int nprobe, int k, Metric metric) {
        int nq = (int) queries.rows();
        int d = queries.cols();
        Neighbors out = Neighbors.empty(nq, k, metric);
        if (nq == 0) return out;
        int units = Math.max(1, rt.device().computeUnits());
        int nchunks = (int) clamp(ceilDiv(GROUPS_PER_UNIT * units, nq), nprobe);
        int perChunk = (int) ceilDiv(nprobe, nchunks);
        int chunks = (int) ceilDiv(nprobe, perChunk);
        int ip = metric == Metric.INNER_PRODUCT ? 1 : 0;
        cl_kernel kernel = IvfScanKernel.of(rt, "scan_flat.cl", block, workGroupShape);
        int wg = workGroupShape ? groupSize(kernel, options.listWorkGroupSize()) : 0;
        int kk = pow2AtLeast(k);
        int c = candidateCapacity(kk, wg);
        forChunks(queries, k, chunks, 1, out, metric, (q0, cq, qbuf, pk, pi) -> {
            try (Arena arena = Arena.ofConfined(); ClBuffer pbuf = rt.allocate((long) cq * nprobe * Integer.BYTES)) {
                MemorySegment p = arena.allocate(ValueLayout.JAVA_INT, (long) cq * nprobe);
                MemorySegment.copy(probes, q0 * nprobe, p, ValueLayout.JAVA_INT, 0, cq * nprobe);
                rt.write(pbuf, 0, p);
                ClRuntime.Args args = IvfScanKernel.probes(lists.args().i32(d).buffer(qbuf), null, qbuf, 0, cq, ip, pbuf,
                        nprobe, perChunk, chunks, k);
                if (workGroupShape) {
                    IvfScanKernel.groupOutputs(args, kk, c, pk, pi).local((long) d * Float.BYTES);
                    rt.launch(kernel, IvfScanKernel.topkLocals(args, kk, c), (long) cq * chunks * wg, wg);
                } else {
                    rt.launch(kernel, IvfScanKernel.itemOutputs(args, pk, pi, qbuf), (long) cq * chunks, 1);
                }
                rt.finish(); // the probe buffer is released when this block ends
            }
            return chunks;
        });
        return out;
    }

    /** Launches partial top-k lists for queries [q0, q0+cq) and returns how many per query. */
    @FunctionalInterface
    interface PartialLaunch {
        int launch(int q0, int cq, ClBuffer queries, ClBuffer partialKeys, ClBuffer partialIds);
    }

    // Streams the queries in chunks: upload, launch (parts partial lists per query, queries in
    // groups of align), merge the partial lists on the device, read back nq x k.
    void forChunks(FloatMatrix queries, int k, int parts, int align, Neighbors out, Metric metric,
                           PartialLaunch launch) {
        forChunks(queries, this::uploadRows, k, parts, align, out, metric, launch);
    }

    /** Puts a chunk's rows on the device as its kernels read them, padded to {@code paddedRows}. */
    @FunctionalInterface
    interface RowUpload {
        ClBuffer upload(FloatMatrix rows, long paddedRows);
    }

    private ClBuffer uploadRows(FloatMatrix rows, long paddedRows) {
        ClBuffer b = rt.allocate(paddedRows * rows.cols() * Float.BYTES);
        try {
            rt.write(b, 0, rows.segment());
            return b;
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
    }

    /** {@link #forChunks(FloatMatrix, int, int, int, Neighbors, Metric, PartialLaunch)} with the rows put on the device by {@code upload}. */
    void forChunks(FloatMatrix queries, RowUpload upload, int k, int parts, int align, Neighbors out, Metric metric,
                   PartialLaunch launch) {
        int nq = (int) queries.rows();
        long partialBytesPerQuery = (long) parts * k * ENTRY_BYTES;
        int chunk = (int) Math.max(1, Math.min(nq, MAX_PARTIAL_BYTES / partialBytesPerQuery));
        if (chunk > align) chunk -= chunk % align;
        for (int q0 = 0; q0 < nq; q0 += chunk) {
            int cq = Math.min(chunk, nq - q0);
            // Padded to whole query groups: kernels may load (never use) the rows of a partial group.
            try (ClBuffer qbuf = upload.upload(queries.rowRange(q0, cq), DeviceMatrix.roundUp(cq, align));
                 ClBuffer pk = rt.allocate((long) cq * parts * k * Float.BYTES);
                 ClBuffer pi = rt.allocate((long) cq * parts * k * Long.BYTES)) {
                int nparts = launch.launch(q0, cq, qbuf, pk, pi);
                if (nparts == 1) {
                    readResults(pk, pi, q0, cq, k, out, metric);
                } else {
                    try (ClBuffer heads = rt.allocate((long) cq * nparts * Integer.BYTES);
                         ClBuffer ok = rt.allocate((long) cq * k * Float.BYTES);
                         ClBuffer oi = rt.allocate((long) cq * k * Long.BYTES)) {
                        rt.launch(rt.kernel(MERGE, "", "merge_partials"), new ClRuntime.Args().buffer(pk).buffer(pi)
                                .i32(cq).i32(nparts).i32(k).buffer(heads).buffer(ok).buffer(oi), cq, 0);
                        readResults(ok, oi, q0, cq, k, out, metric);
                    }
                }
            }
        }
    }

    // Reads cq x k sorted (key, id) pairs into direct memory and converts them faiss's way.
    private void readResults(ClBuffer keys, ClBuffer ids, int q0, int cq, int k, Neighbors out, Metric metric) {
        int n = cq * k;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment kseg = arena.allocate(ValueLayout.JAVA_FLOAT, n);
            MemorySegment iseg = arena.allocate(ValueLayout.JAVA_LONG, n);
            rt.read(keys, 0, kseg);
            rt.read(ids, 0, iseg);
            float[] dist = out.distances();
            long[] labels = out.labels();
            int base = q0 * k;
            for (int i = 0; i < n; i++) {
                long id = iseg.getAtIndex(ValueLayout.JAVA_LONG, i);
                if (id == EMPTY_ID) {
                    dist[base + i] = metric.emptyDistance();
                    labels[base + i] = -1L;
                } else {
                    dist[base + i] = metric.fromKey(kseg.getAtIndex(ValueLayout.JAVA_FLOAT, i));
                    labels[base + i] = id;
                }
            }
        }
    }

    // The requested group size, shrunk to what the compiled kernel allows, in whole blocks.
    int groupSize(cl_kernel kernel, int wanted) {
        long max = rt.maxWorkGroup(kernel);
        long wg = Math.min(wanted, max);
        if (wg >= block) wg -= wg % block;
        return (int) Math.max(1, wg);
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    static long clamp(long v, long max) {
        return Math.max(1, Math.min(v, Math.max(1, max)));
    }
}
