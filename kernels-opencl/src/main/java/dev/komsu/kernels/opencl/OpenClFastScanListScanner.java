package dev.komsu.kernels.opencl;

import dev.komsu.kernels.BlockCodeLists;
import dev.komsu.kernels.FastScanKernels;
import dev.komsu.kernels.FastScanListScanner;
import dev.komsu.kernels.KernelChecks;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Resident;
import java.util.List;
import java.util.Objects;
import org.jocl.cl_kernel;

/**
 * The batched 4-bit FastScan search on an OpenCL device ({@code fastscan.cl}): block lists
 * resident on the device (in the handle the index prepared, like IVF-Flat lists), the batch's
 * uint8 tables, biases and slot plan uploaded per call, 16-bit keys computed for every probed
 * vector, then per query the k-th smallest key and a replay of faiss's heap over the candidates
 * at or below it in the CPU's scan order, so results equal the CPU form's exactly, ties
 * included. Only nq x k keys and ids are read back.
 *
 * <p>What the device cannot take (k above {@link OpenClOptions#maxDeviceK()}, lists above its
 * largest buffer, one query's keys above {@link #MAX_KEY_BYTES}) and INNER_PRODUCT (which the
 * CPU form owns) run on the CPU form, as does everything after a device failure.
 */
final class OpenClFastScanListScanner implements FastScanListScanner {
    /** Keys of one query chunk stay under this (uint16 each); larger batches run in several chunks. */
    static final long MAX_KEY_BYTES = 256L << 20;
    private static final List<String> SOURCES = List.of("fastscan.cl");
    private static final int HIST_BINS = 256;

    private final OpenClBackend backend;
    private final OpenClOptions options;
    private final boolean workGroupShape;
    private final FastScanListScanner cpu;
    private final long maxKeyBytes;

    OpenClFastScanListScanner(OpenClBackend backend, OpenClOptions options, boolean workGroupShape, FastScanListScanner cpu) {
        this(backend, options, workGroupShape, cpu, MAX_KEY_BYTES);
    }

    /** With a smaller {@code maxKeyBytes}, so tests can force batches into several chunks. */
    OpenClFastScanListScanner(OpenClBackend backend, OpenClOptions options, boolean workGroupShape, FastScanListScanner cpu,
                              long maxKeyBytes) {
        this.maxKeyBytes = maxKeyBytes;
        this.backend = Objects.requireNonNull(backend, "backend");
        this.options = Objects.requireNonNull(options, "options");
        this.workGroupShape = workGroupShape;
        this.cpu = Objects.requireNonNull(cpu, "cpu");
    }

    @Override
    public void scan(BlockCodeLists lists, byte[] luts, int tables, int[] biases, int[] probes, int nprobe, int k,
                     int[] outKeys, long[] outIds, Metric metric) {
        scan(Resident.onHost(lists), luts, tables, biases, probes, nprobe, k, outKeys, outIds, metric);
    }

    @Override
    public void scan(Resident<BlockCodeLists> handle, byte[] luts, int tables, int[] biases, int[] probes, int nprobe,
                     int k, int[] outKeys, long[] outIds, Metric metric) {
        BlockCodeLists lists = handle.host();
        Runnable onCpu = () -> cpu.scan(lists, luts, tables, biases, probes, nprobe, k, outKeys, outIds, metric);
        if (metric != Metric.L2) {
            backend.onDevice("fastScanLists", false, null, () -> run(onCpu));
            return;
        }
        int nq = KernelChecks.checkProbes(probes, nprobe, lists.listCount(), biases == null ? -1 : biases.length, k);
        int tableBytes = lists.m2() * FastScanKernels.KSUB;
        KernelChecks.checkFastScanBatch(luts, tables, nprobe, nq, tableBytes, k, outKeys, outIds);
        if (nq == 0) return;
        long maxQueryKeys = 0;
        for (int q = 0; q < nq; q++) maxQueryKeys = Math.max(maxQueryKeys, FastScanSlots.keysOf(lists, probes, nprobe, q));
        long maxAlloc = backend.device().maxAllocBytes();
        boolean fits = k <= options.maxDeviceK()
                && DeviceListStore.largestBuffer(DeviceListStore.HostLists.of(lists), DeviceListStore.Layout.fastScan(lists.m2())) <= maxAlloc
                && maxQueryKeys * Short.BYTES <= Math.min(maxKeyBytes, maxAlloc)
                && (!workGroupShape || localBytes(tableBytes, options.listWorkGroupSize()) <= backend.device().localMemBytes());
        backend.onDevice("fastScanLists", fits, rt -> {
            ClResident<BlockCodeLists> r = ClResident.of(backend, handle);
            try {
                var layout = DeviceListStore.Layout.fastScan(lists.m2());
                DeviceListStore dl = r.device(layout, DeviceListStore.class,
                        () -> DeviceListStore.upload(rt, DeviceListStore.HostLists.of(lists), layout));
                search(rt, dl, lists, luts, tables, biases, probes, nprobe, k, nq, outKeys, outIds);
            } finally {
                r.endCall();
            }
            return null;
        }, () -> run(onCpu));
    }

    private static Void run(Runnable r) {
        r.run();
        return null;
    }

    // Local memory of the work-group kernels: the table (accumulate), histogram and one round's compaction (select).
    private static long localBytes(int tableBytes, int wg) {
        return Math.max(tableBytes, HIST_BINS * Integer.BYTES + (long) wg * (2 * Integer.BYTES + Long.BYTES) + 4 * Integer.BYTES);
    }

    // Streams the queries in chunks whose keys fit maxKeyBytes.
    private void search(ClRuntime rt, DeviceListStore dl, BlockCodeLists lists, byte[] luts, int tables, int[] biases,
                        int[] probes, int nprobe, int k, int nq, int[] outKeys, long[] outIds) {
        int tableBytes = lists.m2() * FastScanKernels.KSUB;
        int q0 = 0;
        while (q0 < nq) {
            int q1 = q0;
            long keys = 0;
            while (q1 < nq) {
                long add = FastScanSlots.keysOf(lists, probes, nprobe, q1);
                if (q1 > q0 && (keys + add) * Short.BYTES > maxKeyBytes) break;
                keys += add;
                q1++;
            }
            FastScanSlots slots = FastScanSlots.of(lists, tables, biases, probes, nprobe, q0, q1 - q0);
            runChunk(rt, dl, lists.m2(), luts, q0 * tables * tableBytes, (q1 - q0) * tables * tableBytes, slots, k,
                    q1 - q0, outKeys, outIds, q0 * k);
            q0 = q1;
        }
    }

    private void runChunk(ClRuntime rt, DeviceListStore dl, int m2, byte[] luts, int lutFrom, int lutBytes,
                          FastScanSlots slots, int k, int cq, int[] outKeys, long[] outIds, int outAt) {
        try (ClBuffer lut = DeviceArrays.upload(rt, luts, lutFrom, lutBytes);
             ClBuffer slotList = DeviceArrays.upload(rt, slots.list());
             ClBuffer slotTable = DeviceArrays.upload(rt, slots.table());
             ClBuffer slotBias = DeviceArrays.upload(rt, slots.bias());
             ClBuffer slotKey = DeviceArrays.upload(rt, slots.keyOffset());
             ClBuffer queryStart = DeviceArrays.upload(rt, slots.queryStart());
             ClBuffer keys = rt.allocate(slots.keyCount() * Short.BYTES);
             ClBuffer ok = rt.allocate((long) cq * k * Integer.BYTES);
             ClBuffer oi = rt.allocate((long) cq * k * Long.BYTES)) {
            int n = slots.count();
            ClRuntime.Args acc = new ClRuntime.Args().buffer(dl.data()).buffer(dl.offsets()).buffer(dl.sizes()).i32(m2)
                    .buffer(lut).buffer(slotList).buffer(slotTable).buffer(slotBias).buffer(slotKey).buffer(keys);
            ClRuntime.Args sel = new ClRuntime.Args().buffer(keys).buffer(dl.ids()).buffer(dl.offsets()).buffer(dl.sizes())
                    .buffer(slotList).buffer(slotKey).buffer(queryStart).i32(k).buffer(ok).buffer(oi);
            if (workGroupShape) {
                cl_kernel accumulate = rt.kernel(SOURCES, "", "fs_accumulate_wg");
                int wg = groupSize(rt, accumulate, options.listWorkGroupSize());
                rt.launch(accumulate, acc.local((long) m2 * FastScanKernels.KSUB), (long) n * wg, wg);
                cl_kernel select = rt.kernel(SOURCES, "", "fs_select_wg");
                int sw = groupSize(rt, select, options.listWorkGroupSize());
                rt.launch(select, sel.local(HIST_BINS * Integer.BYTES).local((long) sw * Integer.BYTES)
                        .local((long) sw * Integer.BYTES).local((long) sw * Long.BYTES).local(4 * Integer.BYTES),
                        (long) cq * sw, sw);
            } else {
                rt.launch(rt.kernel(SOURCES, "", "fs_accumulate_item"), acc.i32(n), n, 0);
                rt.launch(rt.kernel(SOURCES, "", "fs_select_item"), sel.i32(cq), cq, 0);
            }
            DeviceArrays.read(rt, ok, outKeys, outAt, cq * k);
            DeviceArrays.read(rt, oi, outIds, outAt, cq * k);
        }
    }

    // The requested group size, shrunk to what the compiled kernel allows.
    private static int groupSize(ClRuntime rt, cl_kernel kernel, int wanted) {
        return (int) Math.max(1, Math.min(wanted, rt.maxWorkGroup(kernel)));
    }
}
