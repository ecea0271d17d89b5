package dev.komsu.kernels.opencl;

import dev.komsu.kernels.CodeLists;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.KernelChecks;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.PqListScanner;
import java.lang.foreign.MemorySegment;

/**
 * The OpenCL form of {@link PqListScanner}: lookup tables built on the device (pq_tables.cl), and
 * IVF-PQ / IVF-SQ8 scans over code lists kept resident across batches (scan_pq.cl,
 * scan_sq8.cl), with per-(query, list) tables formed on the device and top-k fused there. Results
 * are bit-identical to the scalar backend's PQ kernels (same operations in the same
 * order, no contraction; see the .cl files). Calls the device cannot take (k above
 * {@link OpenClOptions#maxDeviceK()}, data above the device's buffers, top-k or SQ8 query beyond
 * local memory) and every call after a device failure run on the CPU form given at construction,
 * under the backend's failure policy ({@link OpenClBackend#onDevice}). Malformed arguments go
 * straight to the CPU form, which rejects them with the canonical message. Thread-safe: device
 * work is serialised by the backend's lock.
 */
final class OpenClPqListScanner implements PqListScanner {
    /** Cache-key layout of raw float arrays (list tables, residual centroids), apart from any matrix or list layout. */
    private static final int RAW_FLOATS = -1;

    private final OpenClBackend backend;
    private final OpenClOptions options;
    private final DevicePqSearch search;
    private final PqListScanner cpu;

    OpenClPqListScanner(OpenClBackend backend, OpenClOptions options, DeviceSearch search, PqListScanner cpu) {
        this.backend = backend;
        this.options = options;
        this.search = new DevicePqSearch(search.runtime(), options, search);
        this.cpu = cpu;
    }

    @Override
    public FloatMatrix lookupTables(FloatMatrix queries, float[] centroidsT, int m, int ksub, int dsub, Metric metric) {
        boolean valid = m > 0 && ksub > 0 && dsub > 0 && queries.cols() == (long) m * dsub
                && centroidsT.length == (long) m * ksub * dsub;
        if (!valid) return cpu.lookupTables(queries, centroidsT, m, ksub, dsub, metric);
        return backend.onDevice("lookupTables", search.tablesFit(m, ksub, dsub),
                (rt, resident) -> search.lookupTables(queries, centroidsT, m, ksub, dsub, metric),
                () -> cpu.lookupTables(queries, centroidsT, m, ksub, dsub, metric));
    }

    @Override
    public Neighbors scanPq(CodeLists lists, int m, int nbits, FloatMatrix queryTables, float[] listTables,
                            float tableScale, int[] probes, float[] biases, int nprobe, int k, Metric metric) {
        int nq = KernelChecks.checkProbes(probes, nprobe, lists.listCount(), biases == null ? -1 : biases.length, k);
        boolean valid = (nbits == 4 || nbits == 8) && m > 0
                && queryTables.cols() == m << nbits && queryTables.rows() == nq
                && lists.codeSize() == (m * nbits + 7) / 8
                && (listTables == null || listTables.length == (long) lists.listCount() * (m << nbits));
        if (!valid) return cpu.scanPq(lists, m, nbits, queryTables, listTables, tableScale, probes, biases, nprobe, k, metric);
        long maxAlloc = backend.device().maxAllocBytes();
        boolean fits = m <= 1 << 16 && search.pqFits(k, m << nbits)
                && DeviceCodeLists.largestBuffer(lists, search.block()) <= maxAlloc
                && (listTables == null || (long) listTables.length * Float.BYTES <= maxAlloc);
        return backend.onDevice("scanPq", fits, (rt, resident) -> {
            try (DeviceUploads uploads = new DeviceUploads(resident, options.residentMinBytes())) {
                DeviceCodeLists dl = residentLists(rt, uploads, lists);
                ClBuffer lt = listTables == null ? null
                        : uploads.get((long) listTables.length * Float.BYTES,
                                () -> HostFingerprint.of(MemorySegment.ofArray(listTables), RAW_FLOATS), ClBuffer.class,
                                () -> DeviceArrays.upload(rt, MemorySegment.ofArray(listTables)));
                return search.scanPq(dl, m, nbits, queryTables, lt, tableScale, probes, biases, nprobe, k, metric);
            }
        }, () -> cpu.scanPq(lists, m, nbits, queryTables, listTables, tableScale, probes, biases, nprobe, k, metric));
    }

    @Override
    public Neighbors scanSq8(CodeLists lists, FloatMatrix queries, FloatMatrix residualCentroids, float[] vmin,
                             float[] vdiff, int[] probes, float[] biases, int nprobe, int k, Metric metric) {
        int nq = KernelChecks.checkProbes(probes, nprobe, lists.listCount(), biases == null ? -1 : biases.length, k);
        int d = queries.cols();
        boolean valid = d > 0 && lists.codeSize() == d && queries.rows() == nq && vmin.length == d && vdiff.length == d
                && (residualCentroids == null
                    || (residualCentroids.cols() == d && residualCentroids.rows() >= lists.listCount()));
        if (!valid) return cpu.scanSq8(lists, queries, residualCentroids, vmin, vdiff, probes, biases, nprobe, k, metric);
        long maxAlloc = backend.device().maxAllocBytes();
        boolean fits = search.sq8Fits(k, d) && DeviceCodeLists.largestBuffer(lists, search.block()) <= maxAlloc
                && (residualCentroids == null || residualCentroids.segment().byteSize() <= maxAlloc);
        return backend.onDevice("scanSq8", fits, (rt, resident) -> {
            try (DeviceUploads uploads = new DeviceUploads(resident, options.residentMinBytes())) {
                DeviceCodeLists dl = residentLists(rt, uploads, lists);
                ClBuffer centroids = residualCentroids == null ? null
                        : uploads.get(residualCentroids.segment().byteSize(),
                                () -> HostFingerprint.of(residualCentroids.segment(), RAW_FLOATS), ClBuffer.class,
                                () -> DeviceArrays.upload(rt, residualCentroids.segment()));
                return search.scanSq8(dl, queries, centroids, vmin, vdiff, probes, biases, nprobe, k, metric);
            }
        }, () -> cpu.scanSq8(lists, queries, residualCentroids, vmin, vdiff, probes, biases, nprobe, k, metric));
    }

    private DeviceCodeLists residentLists(ClRuntime rt, DeviceUploads uploads, CodeLists lists) {
        long bytes = 0;
        for (int l = 0; l < lists.listCount(); l++) bytes += lists.size(l) * lists.codeSize();
        int block = search.block();
        return uploads.get(bytes, () -> DeviceCodeLists.fingerprint(lists, block), DeviceCodeLists.class,
                () -> DeviceCodeLists.upload(rt, lists, block));
    }
}
