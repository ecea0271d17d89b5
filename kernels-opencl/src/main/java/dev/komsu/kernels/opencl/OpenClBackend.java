package dev.komsu.kernels.opencl;

import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FastScanListScanner;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.KernelChecks;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.Refiner;
import dev.komsu.kernels.Transfers;
import dev.komsu.kernels.VectorLists;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import org.jocl.CLException;

/**
 * The OpenCL backend (JOCL): fused distance + top-k kernels that keep results on the device and
 * read back only nq x k, bases and inverted lists kept resident across searches, queries streamed
 * per batch. Thread-safe: device work is serialised (one in-order queue per device).
 *
 * <p>Kernel shape follows the device: work-group kernels with coalesced blocked loads and a
 * local-memory top-k on GPUs, per-work-item float16 kernels on CPU devices such as PoCL (where
 * the GPU shape measured 2-3x slower). Searches the device cannot take (k above
 * {@link OpenClOptions#maxDeviceK()} or beyond local memory, work-group kernels whose query
 * vector does not fit local memory (d above ~10 000 on a 48 KiB GPU), data above the device's
 * largest buffer) run on the CPU backend given at construction, as does everything after a device
 * failure: the first failure is logged as a warning and the search is repeated on the CPU, so the
 * caller still gets the exact answer.
 */
public final class OpenClBackend implements ComputeBackend {
    private static final System.Logger LOG = System.getLogger(OpenClBackend.class.getName());

    private final ClRuntime runtime;
    private final ComputeBackend fallback;
    private final boolean ownsFallback;
    private final OpenClOptions options;
    private final DeviceSearch search;
    private final ResidentCache resident;
    private final Object lock = new Object();
    private volatile boolean failed;
    private int fallbacks;
    private RuntimeException injectedFailure;
    private volatile boolean closed;

    /**
     * Opens {@code device}. {@code fallback} serves what the device cannot; it is closed with
     * this backend when {@code ownsFallback}.
     */
    public OpenClBackend(OpenClDevice device, ComputeBackend fallback, boolean ownsFallback, OpenClOptions options) {
        this.fallback = Objects.requireNonNull(fallback, "fallback");
        this.ownsFallback = ownsFallback;
        this.options = Objects.requireNonNull(options, "options");
        this.runtime = new ClRuntime(Objects.requireNonNull(device, "device"));
        boolean workGroupShape = switch (options.shape()) {
            case AUTO -> device.isGpu();
            case WORK_GROUP -> true;
            case PER_ITEM -> false;
        };
        this.search = new DeviceSearch(runtime, options, workGroupShape);
        this.resident = new ResidentCache(options.residentEntries());
    }

    /**
     * Opens the best device of {@code found} (GPUs first, then CPU devices), or fails with a
     * message that says why none is usable and what to install.
     */
    public static OpenClBackend open(OpenClDevices.Discovery found, ComputeBackend fallback, boolean ownsFallback,
                                     OpenClOptions options) {
        OpenClDevice device = found.best().orElseThrow(() -> new IllegalStateException(
                "the OpenCL backend was requested but no OpenCL device is usable: " + found.problem()
                        + "; " + OpenClDevices.INSTALL_HINT));
        return new OpenClBackend(device, fallback, ownsFallback, options);
    }

    @Override
    public String name() {
        return "opencl:" + runtime.device().shortName();
    }

    public OpenClDevice device() {
        return runtime.device();
    }

    /** Counters for tests and logs. */
    public record Stats(int programBuilds, int residentUploads, int residentEntries, int fallbacks, boolean deviceFailed) {
    }

    public Stats stats() {
        synchronized (lock) {
            return new Stats(runtime.builds(), resident.uploads(), resident.size(), fallbacks, failed);
        }
    }

    @Override
    public Transfers transfers() {
        return runtime.transfers();
    }

    /** Drops every resident copy, e.g. after rewriting a large base in place (see HostFingerprint). */
    public void evictResident() {
        synchronized (lock) {
            resident.clear();
        }
    }

    @Override
    public Neighbors knn(FloatMatrix queries, FloatMatrix base, int k, Metric metric) {
        KernelChecks.checkKnn(queries, base, k);
        checkOpen();
        if (!failed && search.fits(k, base.cols(), false)
                && DeviceMatrix.deviceBytes(base.rows(), base.cols(), search.block()) <= runtime.device().maxAllocBytes()) {
            synchronized (lock) {
                try {
                    checkOpen();
                    injectFailureIfAsked();
                    if (base.segment().byteSize() < options.residentMinBytes()) {
                        try (DeviceMatrix once = DeviceMatrix.upload(runtime, base, search.block())) {
                            return search.knn(once, queries, k, metric);
                        }
                    }
                    DeviceMatrix dm = resident.get(HostFingerprint.of(base.segment(), search.block()), DeviceMatrix.class,
                            () -> DeviceMatrix.upload(runtime, base, search.block()));
                    return search.knn(dm, queries, k, metric);
                } catch (CLException | OpenClException e) {
                    deviceFailed("knn", e);
                }
            }
        }
        return delegated().knn(queries, base, k, metric);
    }

    @Override
    public Neighbors scanLists(FloatMatrix queries, VectorLists lists, int[] probes, int nprobe, int k, Metric metric) {
        KernelChecks.checkScanLists(queries, lists, probes, nprobe, k);
        checkOpen();
        if (!failed && search.fits(k, lists.dim(), true) && listsFit(lists)) {
            synchronized (lock) {
                try {
                    checkOpen();
                    injectFailureIfAsked();
                    long bytes = 0;
                    for (int l = 0; l < lists.listCount(); l++) bytes += lists.size(l) * lists.dim() * Float.BYTES;
                    if (bytes < options.residentMinBytes()) {
                        try (DeviceLists once = DeviceLists.upload(runtime, lists, search.block())) {
                            return search.scanLists(once, queries, probes, nprobe, k, metric);
                        }
                    }
                    DeviceLists dl = resident.get(fingerprint(lists), DeviceLists.class,
                            () -> DeviceLists.upload(runtime, lists, search.block()));
                    return search.scanLists(dl, queries, probes, nprobe, k, metric);
                } catch (CLException | OpenClException e) {
                    deviceFailed("scanLists", e);
                }
            }
        }
        return delegated().scanLists(queries, lists, probes, nprobe, k, metric);
    }

    private boolean listsFit(VectorLists lists) {
        long rows = DeviceLists.rowOffsets(lists, search.block())[lists.listCount()];
        return rows * lists.dim() * Float.BYTES <= runtime.device().maxAllocBytes();
    }

    private HostFingerprint fingerprint(VectorLists lists) {
        int n = lists.listCount();
        MemorySegment[] vectors = new MemorySegment[n];
        MemorySegment[] ids = new MemorySegment[n];
        for (int l = 0; l < n; l++) {
            vectors[l] = lists.vectors(l);
            ids[l] = lists.ids(l);
        }
        return HostFingerprint.of(vectors, ids, search.block());
    }

    /** Per-list FastScan work on the host is the CPU fallback's. */
    @Override
    public dev.komsu.kernels.FastScanKernels fastScan() {
        return fallback.fastScan();
    }

    /** Per-list PQ work on the host is the CPU fallback's. */
    @Override
    public dev.komsu.kernels.PqKernels pq() {
        return fallback.pq();
    }

    /**
     * Lookup tables and IVF-PQ / IVF-SQ8 scans on the device ({@code pq_tables.cl}, {@code scan_pq*.cl},
     * {@code scan_sq8*.cl}); the fallback's CPU form where the device cannot.
     */
    @Override
    public dev.komsu.kernels.PqListScanner pqLists() {
        return new OpenClPqListScanner(this, options, search, fallback.pqLists());
    }

    /** FastScan list scans on the device ({@code fastscan.cl}); the fallback's CPU form where the device cannot. */
    @Override
    public FastScanListScanner fastScanLists() {
        return new OpenClFastScanListScanner(this, options, search.block() > 1, fallback.fastScanLists());
    }

    /** Refine on the device ({@code refine.cl}), summed as the fallback's CPU kernels sum; their CPU form where the device cannot. */
    @Override
    public Refiner refiner() {
        return new OpenClRefiner(this, options, search.block() > 1, fallback.pq().gatherSummation(), fallback.refiner());
    }

    /** Device work of this package's batched operations, run under the backend's lock. */
    interface DeviceWork<T> {
        T run(ClRuntime rt, ResidentCache resident);
    }

    /**
     * Runs {@code work} on the device when it {@code fits} and the device has not failed, under
     * knn's failure policy: a device failure is logged once and the call answered by {@code cpu},
     * as is every later call and every call that does not fit (counted as a fallback).
     */
    <T> T onDevice(String operation, boolean fits, DeviceWork<T> work, java.util.function.Supplier<T> cpu) {
        checkOpen();
        if (!failed && fits) {
            synchronized (lock) {
                try {
                    checkOpen();
                    injectFailureIfAsked();
                    return work.run(runtime, resident);
                } catch (CLException | OpenClException e) {
                    deviceFailed(operation, e);
                }
            }
        }
        delegated();
        return cpu.get();
    }

    /** Host-side per-query loops are CPU work: they run on the fallback CPU backend's threads. */
    @Override
    public void forEachQuery(int nq, java.util.function.IntConsumer body) {
        fallback.forEachQuery(nq, body);
    }

    // Counts the delegation (k too large, data too big, or a failed device) and returns the CPU.
    private ComputeBackend delegated() {
        synchronized (lock) {
            fallbacks++;
        }
        return fallback;
    }

    private void deviceFailed(String operation, RuntimeException e) {
        failed = true;
        resident.clear();
        LOG.log(System.Logger.Level.WARNING, "OpenCL " + operation + " failed on " + runtime.device().name()
                + "; this and later searches run on the CPU backend (" + fallback.name() + ")", e);
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("the OpenCL backend " + name() + " is closed");
    }

    /** Test hook: the next device search throws {@code failure} as if the device had failed. */
    void failNextSearch(RuntimeException failure) {
        synchronized (lock) {
            injectedFailure = failure;
        }
    }

    private void injectFailureIfAsked() {
        RuntimeException f = injectedFailure;
        if (f != null) {
            injectedFailure = null;
            throw f;
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) return;
            closed = true;
            resident.close();
            runtime.close();
        }
        if (ownsFallback) fallback.close();
    }
}
