package dev.komsu.kernels.opencl;

import dev.komsu.kernels.CodeLists;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.KernelChecks;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.PqListScanner;
import dev.komsu.kernels.Resident;
import dev.komsu.kernels.ResidentMatrix;
import java.lang.foreign.MemorySegment;
import java.util.function.Supplier;

/**
 * The OpenCL form of {@link PqListScanner}: lookup tables built on the device (pq_tables.cl), and
 * IVF-PQ / IVF-SQ8 scans over code lists resident in prepared handles (scan_pq.cl, scan_sq8.cl),
 * with per-(query, list) tables formed on the device and top-k fused there. {@link #searchPq}
 * builds the tables from the resident codebook and scans with them without reading them back. Results
 * are bit-identical to the scalar backend's PQ kernels (same operations in the same
 * order, no contraction; see the .cl files). Calls the device cannot take (k above
 * {@link OpenClOptions#maxDeviceK()}, data above the device's buffers, top-k or SQ8 query beyond
 * local memory) and every call after a device failure run on the CPU form given at construction,
 * under the backend's failure policy ({@link OpenClBackend#onDevice}). Malformed arguments go
 * straight to the CPU form, which rejects them with the canonical message. Thread-safe: device
 * work is serialised by the backend's lock.
 */
final class OpenClPqListScanner implements PqListScanner {
    private final OpenClBackend backend;
    private final DevicePqSearch search;
    private final PqListScanner cpu;

    OpenClPqListScanner(OpenClBackend backend, OpenClOptions options, DeviceSearch search, PqListScanner cpu) {
        this.backend = backend;
        this.search = new DevicePqSearch(search.runtime(), options, search);
        this.cpu = cpu;
    }

    @Override
    public FloatMatrix lookupTables(FloatMatrix queries, float[] centroidsT, int m, int ksub, int dsub, Metric metric) {
        boolean valid = m > 0 && ksub > 0 && dsub > 0 && queries.cols() == (long) m * dsub
                && centroidsT.length == (long) m * ksub * dsub;
        if (!valid) return cpu.lookupTables(queries, centroidsT, m, ksub, dsub, metric);
        return backend.onDevice("lookupTables", search.tablesFit(m, ksub, dsub), rt -> {
            ClResident<float[]> codebook = ClResident.of(backend, Resident.onHost(centroidsT));
            try {
                return search.lookupTables(queries, floats(rt, codebook), m, ksub, dsub, metric);
            } finally {
                codebook.endCall();
            }
        }, () -> cpu.lookupTables(queries, centroidsT, m, ksub, dsub, metric));
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
        return backend.onDevice("scanPq", pqFits(lists, m, nbits, k, listTables), rt -> scanOnDevice(rt,
                Resident.onHost(lists), m, nbits, DevicePqSearch.QueryTables.uploaded(queryTables),
                listTables == null ? null : Resident.onHost(listTables), tableScale, probes, biases, nprobe, k, metric),
                () -> cpu.scanPq(lists, m, nbits, queryTables, listTables, tableScale, probes, biases, nprobe, k, metric));
    }

    @Override
    public Neighbors searchPq(Resident<CodeLists> lists, FloatMatrix queries, Resident<float[]> centroidsT, int m,
                              int nbits, int dsub, Metric tableMetric, Resident<float[]> listTables, float tableScale,
                              int[] probes, float[] biases, int nprobe, int k, Metric metric) {
        CodeLists host = lists.host();
        float[] table = listTables == null ? null : listTables.host();
        int nq = KernelChecks.checkProbes(probes, nprobe, host.listCount(), biases == null ? -1 : biases.length, k);
        int ksub = 1 << nbits;
        boolean valid = (nbits == 4 || nbits == 8) && m > 0 && dsub > 0 && queries.rows() == nq
                && queries.cols() == (long) m * dsub && centroidsT.host().length == (long) m * ksub * dsub
                && host.codeSize() == (m * nbits + 7) / 8
                && (table == null || table.length == (long) host.listCount() * (m << nbits));
        Supplier<Neighbors> onCpu = () -> cpu.searchPq(lists, queries, centroidsT, m, nbits, dsub, tableMetric, listTables,
                tableScale, probes, biases, nprobe, k, metric);
        if (!valid) return onCpu.get();
        boolean fits = pqFits(host, m, nbits, k, table) && search.tablesFit(m, ksub, dsub);
        return backend.onDevice("searchPq", fits, rt -> {
            ClResident<float[]> codebook = ClResident.of(backend, centroidsT);
            try {
                var tables = new DevicePqSearch.QueryTables(queries, floats(rt, codebook), dsub, tableMetric);
                return scanOnDevice(rt, lists, m, nbits, tables, listTables, tableScale, probes, biases, nprobe, k,
                        metric);
            } finally {
                codebook.endCall();
            }
        }, onCpu);
    }

    private boolean pqFits(CodeLists lists, int m, int nbits, int k, float[] listTables) {
        long maxAlloc = backend.device().maxAllocBytes();
        return m <= 1 << 16 && search.pqFits(k, m << nbits)
                && DeviceListStore.largestBuffer(DeviceListStore.HostLists.of(lists), DeviceListStore.Layout.codes(lists.codeSize(), search.block())) <= maxAlloc
                && (listTables == null || (long) listTables.length * Float.BYTES <= maxAlloc);
    }

    // The scan over the handles' device copies; one-call handles are released when it ends.
    private Neighbors scanOnDevice(ClRuntime rt, Resident<CodeLists> lists, int m, int nbits,
                                   DevicePqSearch.QueryTables tables, Resident<float[]> listTables,
                                   float tableScale, int[] probes, float[] biases, int nprobe, int k, Metric metric) {
        ClResident<CodeLists> codes = ClResident.of(backend, lists);
        ClResident<float[]> lt = listTables == null ? null : ClResident.of(backend, listTables);
        try {
            return search.scanPq(codeLists(rt, codes), m, nbits, tables, lt == null ? null : floats(rt, lt), tableScale,
                    probes, biases, nprobe, k, metric);
        } finally {
            codes.endCall();
            if (lt != null) lt.endCall();
        }
    }

    @Override
    public Neighbors scanSq8(CodeLists lists, FloatMatrix queries, FloatMatrix residualCentroids, float[] vmin,
                             float[] vdiff, int[] probes, float[] biases, int nprobe, int k, Metric metric) {
        return scanSq8(Resident.onHost(lists), queries,
                residualCentroids == null ? null : ResidentMatrix.onHost(residualCentroids, null), vmin, vdiff, probes,
                biases, nprobe, k, metric);
    }

    @Override
    public Neighbors scanSq8(Resident<CodeLists> handle, FloatMatrix queries, ResidentMatrix residualHandle, float[] vmin,
                             float[] vdiff, int[] probes, float[] biases, int nprobe, int k, Metric metric) {
        CodeLists lists = handle.host();
        FloatMatrix residualCentroids = residualHandle == null ? null : residualHandle.host();
        Supplier<Neighbors> onCpu = () -> cpu.scanSq8(lists, queries, residualCentroids, vmin, vdiff, probes, biases,
                nprobe, k, metric);
        int nq = KernelChecks.checkProbes(probes, nprobe, lists.listCount(), biases == null ? -1 : biases.length, k);
        int d = queries.cols();
        boolean valid = d > 0 && lists.codeSize() == d && queries.rows() == nq && vmin.length == d && vdiff.length == d
                && (residualCentroids == null
                    || (residualCentroids.cols() == d && residualCentroids.rows() >= lists.listCount()));
        if (!valid) return onCpu.get();
        long maxAlloc = backend.device().maxAllocBytes();
        boolean fits = search.sq8Fits(k, d) && DeviceListStore.largestBuffer(DeviceListStore.HostLists.of(lists), DeviceListStore.Layout.codes(lists.codeSize(), search.block())) <= maxAlloc
                && (residualCentroids == null || residualCentroids.segment().byteSize() <= maxAlloc);
        return backend.onDevice("scanSq8", fits, rt -> {
            ClResident<CodeLists> codes = ClResident.of(backend, handle);
            ClResident.Matrix centroids = residualHandle == null ? null : ClResident.of(backend, residualHandle);
            try {
                ClBuffer c = centroids == null ? null
                        : centroids.device(new ClResident.Layout("matrix", 1), DeviceMatrix.class,
                                () -> DeviceMatrix.upload(rt, residualCentroids, 1)).vectors;
                return search.scanSq8(codeLists(rt, codes), queries, c, vmin, vdiff, probes, biases, nprobe, k, metric);
            } finally {
                codes.endCall();
                if (centroids != null) centroids.endCall();
            }
        }, onCpu);
    }

    private DeviceListStore codeLists(ClRuntime rt, ClResident<CodeLists> codes) {
        var layout = DeviceListStore.Layout.codes(codes.host().codeSize(), search.block());
        return codes.device(layout, DeviceListStore.class,
                () -> DeviceListStore.upload(rt, DeviceListStore.HostLists.of(codes.host()), layout));
    }

    private static ClBuffer floats(ClRuntime rt, ClResident<float[]> table) {
        return table.device(new ClResident.Layout("floats", 1), ClBuffer.class,
                () -> DeviceArrays.upload(rt, MemorySegment.ofArray(table.host())));
    }
}
