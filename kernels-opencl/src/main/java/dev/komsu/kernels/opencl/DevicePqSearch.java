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
 * Runs the PQ lookup-table build and the IVF-PQ / IVF-SQ8 list scans on one device over resident
 * code lists: sizes the launches, streams queries (or query tables) in batches, and reuses
 * {@link DeviceSearch}'s chunked partial top-k and device merge, so only nq x k results are read
 * back. Not thread-safe: the backend serialises access.
 */
final class DevicePqSearch {
    private static final List<String> TABLES = List.of("pq_tables.cl");
    /** Queries per work-item of pq_tables: each centroid value loaded serves this many queries. */
    private static final int TABLE_QUERIES = 4;
    /** Rows a per-work-item scan kernel sums at once, one float8 lane each (the kernels' vload8). */
    private static final int ITEM_ROWS = 8;
    /** Query tables (or queries) uploaded per batch, and the per-item table scratch of the CPU-device PQ scan. */
    private static final long BATCH_BYTES = 64L << 20;
    // Work-items or groups per compute unit we aim for (as DeviceSearch).
    private static final int GROUPS_PER_UNIT = 8;
    /**
     * The SQ8 decode factor (c + 0.5f) / 255f of every code value, computed here in Java so the
     * device multiplies by exactly the reference's value (OpenCL allows a loosely rounded divide).
     */
    private static final MemorySegment SQ8_UNIT = sq8Unit();

    private final ClRuntime rt;
    private final OpenClOptions options;
    private final DeviceSearch search;

    DevicePqSearch(ClRuntime rt, OpenClOptions options, DeviceSearch search) {
        this.rt = rt;
        this.options = options;
        this.search = search;
    }

    private static MemorySegment sq8Unit() {
        MemorySegment s = Arena.global().allocate(ValueLayout.JAVA_FLOAT, 256);
        for (int c = 0; c < 256; c++) s.setAtIndex(ValueLayout.JAVA_FLOAT, c, (c + 0.5f) / 255f);
        return s;
    }

    /**
     * Rows per block of the code store: the work-group kernels' block (coalesced bytes), or
     * {@link #ITEM_ROWS} for the per-work-item kernels, which sum that many rows as one vector.
     */
    int block() {
        return search.workGroupShape() ? search.block() : ITEM_ROWS;
    }

    // ---- lookup tables --------------------------------------------------------------------------

    /** True when a table row of a batch fits the device's largest buffer. */
    boolean tablesFit(int m, int ksub, int dsub) {
        long max = rt.device().maxAllocBytes();
        return (long) m * ksub * Float.BYTES * TABLE_QUERIES <= max && (long) m * ksub * dsub * Float.BYTES <= max;
    }

    /** Tables of every row of {@code queries} built on the device from {@code codebook} and read back. */
    FloatMatrix lookupTables(FloatMatrix queries, ClBuffer codebook, int m, int ksub, int dsub, Metric metric) {
        int nq = Math.toIntExact(queries.rows());
        long tableBytes = (long) m * ksub * Float.BYTES;
        FloatMatrix out = FloatMatrix.allocate(nq, m * ksub);
        try {
            long limit = Math.min(BATCH_BYTES, rt.device().maxAllocBytes());
            int batch = (int) Math.max(TABLE_QUERIES, limit / tableBytes / TABLE_QUERIES * TABLE_QUERIES);
            for (int q0 = 0; q0 < nq; q0 += batch) {
                int cq = Math.min(batch, nq - q0);
                try (ClBuffer obuf = tablesOnDevice(codebook, queries.rowRange(q0, cq), m, ksub, dsub, metric)) {
                    rt.read(obuf, 0, out.rowRange(q0, cq).segment());
                }
            }
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /**
     * The tables of every row of {@code queries} as a new device buffer (rows x m*ksub floats),
     * from the codebook already on the device: only the queries go in.
     */
    private ClBuffer tablesOnDevice(ClBuffer codebook, FloatMatrix queries, int m, int ksub, int dsub, Metric metric) {
        int cq = Math.toIntExact(queries.rows());
        ClBuffer obuf = rt.allocate(cq * (long) m * ksub * Float.BYTES);
        // Padded to whole groups of TABLE_QUERIES rows: the kernel loads (never stores) them.
        try (ClBuffer qbuf = rt.allocate(DeviceMatrix.roundUp(cq, TABLE_QUERIES) * m * dsub * Float.BYTES)) {
            rt.write(qbuf, 0, queries.segment());
            long items = DeviceSearch.ceilDiv(cq, TABLE_QUERIES) * m * ksub;
            int ip = metric == Metric.INNER_PRODUCT ? 1 : 0;
            rt.launch(rt.kernel(TABLES, "-DQB=" + TABLE_QUERIES, "pq_tables"), new ClRuntime.Args().buffer(qbuf).i32(cq)
                    .buffer(codebook).i32(m).i32(ksub).i32(dsub).i32(ip).buffer(obuf), items, 0);
            rt.finish(); // the query buffer is released when this block ends
            return obuf;
        } catch (RuntimeException e) {
            obuf.close();
            throw e;
        }
    }

    /**
     * Where a PQ scan's per-query tables come from: {@code rows} are the tables themselves
     * (uploaded per chunk) when {@code codebook} is null, else queries whose tables are built on
     * the device from the resident codebook and never leave it.
     */
    record QueryTables(FloatMatrix rows, ClBuffer codebook, int dsub, Metric metric) {
        static QueryTables uploaded(FloatMatrix tables) {
            return new QueryTables(tables, null, 0, null);
        }
    }

    // ---- IVF-PQ scan -----------------------------------------------------------------------------

    /** True when the PQ scan with this k and table size runs on the device. */
    boolean pqFits(int k, int tableSize) {
        if (k > options.maxDeviceK()) return false;
        if ((long) tableSize * Float.BYTES > Math.min(BATCH_BYTES, rt.device().maxAllocBytes())) return false;
        return !search.workGroupShape() || IvfScanKernel.topkLocalBytes(k, options.listWorkGroupSize()) <= rt.device().localMemBytes();
    }

    // Work-group kernels stage the table in local memory when it fits beside the top-k, else form
    // entries from global memory per lookup (m=64 8-bit tables take 64 KiB, above most GPUs' 48).
    private boolean tableInLocal(int k, int tableSize, int wg) {
        return IvfScanKernel.topkLocalBytes(k, wg) + (long) tableSize * Float.BYTES <= rt.device().localMemBytes();
    }

    /** {@code listTables} is null when the query tables are used as they are. */
    Neighbors scanPq(DeviceListStore lists, int m, int nbits, QueryTables tables, ClBuffer listTables,
                     float tableScale, int[] probes, float[] biases, int nprobe, int k, Metric metric) {
        FloatMatrix queryTables = tables.rows();
        int nq = (int) queryTables.rows();
        int tableSize = m << nbits;
        DeviceSearch.RowUpload upload = tables.codebook() == null ? null
                : (rows, padded) -> tablesOnDevice(tables.codebook(), rows, m, 1 << nbits, tables.dsub(), tables.metric());
        Neighbors out = Neighbors.empty(nq, k, metric);
        if (nq == 0) return out;
        ProbeChunks pc = probeChunks(nq, nprobe);
        int perChunk = pc.perChunk();
        int nchunks = pc.count();
        int ip = metric == Metric.INNER_PRODUCT ? 1 : 0;
        int hasLists = listTables == null ? 0 : 1;
        int kk = DeviceSearch.pow2AtLeast(k);
        if (search.workGroupShape()) {
            int wanted = options.listWorkGroupSize();
            boolean local = tableInLocal(k, tableSize, wanted);
            cl_kernel kernel = IvfScanKernel.of(rt, "scan_pq.cl", block(), true);
            int wg = search.groupSize(kernel, wanted);
            int c = DeviceSearch.candidateCapacity(kk, wg);
            forQueryBatches(queryTables, upload, tableSize, probes, biases, nprobe, k, nchunks, out, metric, (cq, qbuf, pbuf, bbuf, pk, pi) -> {
                ClRuntime.Args args = IvfScanKernel.probes(pqArgs(lists, m, nbits, qbuf, listTables, tableScale, local),
                        bbuf, qbuf, 0, cq, ip, pbuf, nprobe, perChunk, nchunks, k);
                IvfScanKernel.groupOutputs(args, kk, c, pk, pi).local(local ? (long) tableSize * Float.BYTES : Float.BYTES);
                rt.launch(kernel, IvfScanKernel.topkLocals(args, kk, c), (long) cq * nchunks * wg, wg);
            });
        } else {
            cl_kernel kernel = IvfScanKernel.of(rt, "scan_pq.cl", block(), false);
            forQueryBatches(queryTables, upload, tableSize, probes, biases, nprobe, k, nchunks, out, metric, (cq, qbuf, pbuf, bbuf, pk, pi) -> {
                // Each work-item forms its (query, list) table in its own scratch slice: launches
                // cover as many queries as the bounded scratch holds.
                int perLaunch = hasLists == 0 ? cq
                        : (int) Math.max(1, Math.min(cq, BATCH_BYTES / ((long) nchunks * tableSize * Float.BYTES)));
                long scratchBytes = hasLists == 0 ? Float.BYTES : (long) perLaunch * nchunks * tableSize * Float.BYTES;
                try (ClBuffer scratch = rt.allocate(scratchBytes)) {
                    for (int q0 = 0; q0 < cq; q0 += perLaunch) {
                        int n = Math.min(perLaunch, cq - q0);
                        ClRuntime.Args args = IvfScanKernel.probes(pqArgs(lists, m, nbits, qbuf, listTables, tableScale, false),
                                bbuf, qbuf, q0, n, ip, pbuf, nprobe, perChunk, nchunks, k);
                        rt.launch(kernel, IvfScanKernel.itemOutputs(args, pk, pi, scratch), (long) n * nchunks, 1);
                    }
                    rt.finish(); // the scratch is released when this block ends
                }
            });
        }
        return out;
    }

    // scan_pq.cl's arguments after the store: tables are the query rows, list tables (or any buffer when none), scale.
    private static ClRuntime.Args pqArgs(DeviceListStore lists, int m, int nbits, ClBuffer queryTables, ClBuffer listTables,
                                         float tableScale, boolean tableInLocal) {
        return lists.args().i32((m * nbits + 7) / 8).i32(m).i32(nbits).buffer(queryTables)
                .buffer(listTables == null ? queryTables : listTables).i32(Float.floatToRawIntBits(tableScale))
                .i32(listTables == null ? 0 : 1).i32(tableInLocal ? 1 : 0);
    }

    // ---- IVF-SQ8 scan ----------------------------------------------------------------------------

    /** True when the SQ8 scan with this k and dimension runs on the device. */
    boolean sq8Fits(int k, int d) {
        if (k > options.maxDeviceK()) return false;
        if ((long) d * Float.BYTES > Math.min(BATCH_BYTES, rt.device().maxAllocBytes())) return false;
        if (!search.workGroupShape()) return true;
        int wg = options.listWorkGroupSize();
        return IvfScanKernel.topkLocalBytes(k, wg) + (3L * d + 256) * Float.BYTES <= rt.device().localMemBytes();
    }

    /** {@code centroids} is null for a scan without residuals. */
    Neighbors scanSq8(DeviceListStore lists, FloatMatrix queries, ClBuffer centroids, float[] vmin, float[] vdiff,
                      int[] probes, float[] biases, int nprobe, int k, Metric metric) {
        int nq = (int) queries.rows();
        int d = queries.cols();
        Neighbors out = Neighbors.empty(nq, k, metric);
        if (nq == 0) return out;
        ProbeChunks pc = probeChunks(nq, nprobe);
        int perChunk = pc.perChunk();
        int nchunks = pc.count();
        int ip = metric == Metric.INNER_PRODUCT ? 1 : 0;
        int hasCentroids = centroids == null ? 0 : 1;
        int kk = DeviceSearch.pow2AtLeast(k);
        boolean wgShape = search.workGroupShape();
        cl_kernel kernel = IvfScanKernel.of(rt, "scan_sq8.cl", block(), wgShape);
        int wg = wgShape ? search.groupSize(kernel, options.listWorkGroupSize()) : 0;
        int c = DeviceSearch.candidateCapacity(kk, wg);
        try (ClBuffer minBuf = rt.allocate((long) d * Float.BYTES); ClBuffer diffBuf = rt.allocate((long) d * Float.BYTES);
             ClBuffer unitBuf = rt.allocate(SQ8_UNIT.byteSize())) {
            rt.write(minBuf, 0, MemorySegment.ofArray(vmin));
            rt.write(diffBuf, 0, MemorySegment.ofArray(vdiff));
            rt.write(unitBuf, 0, SQ8_UNIT);
            forQueryBatches(queries, null, d, probes, biases, nprobe, k, nchunks, out, metric, (cq, qbuf, pbuf, bbuf, pk, pi) -> {
                ClRuntime.Args codec = lists.args().i32(d).buffer(qbuf).buffer(centroids == null ? qbuf : centroids)
                        .i32(hasCentroids).buffer(minBuf).buffer(diffBuf).buffer(unitBuf);
                ClRuntime.Args args = IvfScanKernel.probes(codec, bbuf, qbuf, 0, cq, ip, pbuf, nprobe, perChunk, nchunks, k);
                if (wgShape) {
                    IvfScanKernel.groupOutputs(args, kk, c, pk, pi).local((long) d * Float.BYTES).local((long) d * Float.BYTES)
                            .local((long) d * Float.BYTES).local(256L * Float.BYTES);
                    rt.launch(kernel, IvfScanKernel.topkLocals(args, kk, c), (long) cq * nchunks * wg, wg);
                } else {
                    rt.launch(kernel, IvfScanKernel.itemOutputs(args, pk, pi, qbuf), (long) cq * nchunks, 1);
                }
            });
        }
        return out;
    }

    // ---- shared ----------------------------------------------------------------------------------

    /** Each query's probes are split into {@code count} chunks of {@code perChunk} consecutive probes (the last may be shorter). */
    private record ProbeChunks(int perChunk, int count) {
    }

    // Enough (query, chunk) slots to fill the device, as DeviceSearch.scanLists.
    private ProbeChunks probeChunks(int nq, int nprobe) {
        int units = Math.max(1, rt.device().computeUnits());
        int chunks = (int) DeviceSearch.clamp(DeviceSearch.ceilDiv((long) GROUPS_PER_UNIT * units, nq), nprobe);
        int perChunk = (int) DeviceSearch.ceilDiv(nprobe, chunks);
        return new ProbeChunks(perChunk, (int) DeviceSearch.ceilDiv(nprobe, perChunk));
    }

    /** Launches the partial top-k lists of {@code cq} queries whose rows, probes and biases are on the device. */
    @FunctionalInterface
    private interface ScanLaunch {
        void launch(int cq, ClBuffer rows, ClBuffer probes, ClBuffer biases, ClBuffer partialKeys, ClBuffer partialIds);
    }

    // Splits the batch so one upload of rows (queries or query tables) stays under BATCH_BYTES,
    // and hands each part to DeviceSearch.forChunks with its probes and biases uploaded beside it.
    // {@code upload} null: the rows go to the device as they are; {@code rowFloats} is what one row takes there.
    private void forQueryBatches(FloatMatrix rows, DeviceSearch.RowUpload upload, int rowFloats, int[] probes,
                                 float[] biases, int nprobe, int k, int nchunks, Neighbors out, Metric metric,
                                 ScanLaunch launch) {
        int nq = (int) rows.rows();
        long rowBytes = (long) rowFloats * Float.BYTES;
        int batch = (int) Math.max(1, Math.min(nq, BATCH_BYTES / rowBytes));
        for (int s0 = 0; s0 < nq; s0 += batch) {
            int sn = Math.min(batch, nq - s0);
            Neighbors part = sn == nq ? out : Neighbors.empty(sn, k, metric);
            final int base = s0;
            DeviceSearch.PartialLaunch each = (q0, cq, qbuf, pk, pi) -> {
                int first = (base + q0) * nprobe;
                int count = cq * nprobe;
                try (Arena arena = Arena.ofConfined(); ClBuffer pbuf = rt.allocate((long) count * Integer.BYTES);
                     ClBuffer bbuf = biases == null ? null : rt.allocate((long) count * Float.BYTES)) {
                    MemorySegment p = arena.allocate(ValueLayout.JAVA_INT, count);
                    MemorySegment.copy(probes, first, p, ValueLayout.JAVA_INT, 0, count);
                    rt.write(pbuf, 0, p);
                    if (bbuf != null) {
                        MemorySegment b = arena.allocate(ValueLayout.JAVA_FLOAT, count);
                        MemorySegment.copy(biases, first, b, ValueLayout.JAVA_FLOAT, 0, count);
                        rt.write(bbuf, 0, b);
                    }
                    launch.launch(cq, qbuf, pbuf, bbuf, pk, pi);
                    rt.finish(); // the probe and bias buffers are released when this block ends
                }
                return nchunks;
            };
            if (upload == null) search.forChunks(rows.rowRange(s0, sn), k, nchunks, 1, part, metric, each);
            else search.forChunks(rows.rowRange(s0, sn), upload, k, nchunks, 1, part, metric, each);
            if (part != out) out.copyRowsFrom(part, s0);
        }
    }
}
