package dev.komsu.kernels.opencl;

import dev.komsu.kernels.BaseNorms;
import dev.komsu.kernels.BlockCodeLists;
import dev.komsu.kernels.CodeLists;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FastScanListScanner;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.KernelChecks;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.Refiner;
import dev.komsu.kernels.Resident;
import dev.komsu.kernels.ResidentMatrix;
import dev.komsu.kernels.Transfers;
import dev.komsu.kernels.VectorLists;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.jocl.CLException;

/**
 * The OpenCL backend (JOCL): fused distance + top-k kernels that keep results on the device and
 * read back only nq x k, bases, inverted lists and codebooks resident in the handles an index
 * {@code prepare}s (kept until it closes them), queries streamed per batch. Thread-safe: device
 * work is serialised (one in-order queue per device).
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
    /** Prepared handles not yet closed (identity): close() releases their device copies. */
    private final Set<ClResident<?>> handles = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Object lock = new Object();
    private volatile boolean failed;
    private int fallbacks;
    private int residentUploads;
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

    /**
     * Counters for tests and logs: programs built, device copies made for prepared handles,
     * prepared handles not yet closed, calls answered by the fallback, whether the device failed.
     */
    public record Stats(int programBuilds, int residentUploads, int residentHandles, int fallbacks, boolean deviceFailed) {
    }

    public Stats stats() {
        synchronized (lock) {
            return new Stats(runtime.builds(), residentUploads, handles.size(), fallbacks, failed);
        }
    }

    @Override
    public Transfers transfers() {
        return runtime.transfers();
    }

    @Override
    public ResidentMatrix prepare(FloatMatrix base, BaseNorms norms) {
        return register(new ClResident.Matrix(this, Objects.requireNonNull(base, "base"), norms, false));
    }

    @Override
    public Resident<VectorLists> prepare(VectorLists lists) {
        return register(new ClResident<>(this, Objects.requireNonNull(lists, "lists"), false));
    }

    @Override
    public Resident<CodeLists> prepare(CodeLists lists) {
        return register(new ClResident<>(this, Objects.requireNonNull(lists, "lists"), false));
    }

    @Override
    public Resident<BlockCodeLists> prepare(BlockCodeLists lists) {
        return register(new ClResident<>(this, Objects.requireNonNull(lists, "lists"), false));
    }

    @Override
    public Resident<float[]> prepare(float[] table) {
        return register(new ClResident<>(this, Objects.requireNonNull(table, "table"), false));
    }

    // Handles are uploaded on first use (under the lock, inside the failure policy); the backend
    // tracks them so that close() releases what an index forgot to close.
    private <H extends ClResident<?>> H register(H handle) {
        synchronized (lock) {
            checkOpen();
            handles.add(handle);
        }
        return handle;
    }

    /** Runs {@code release} for {@code handle} under the lock and forgets it (idempotent). */
    void release(ClResident<?> handle, Runnable release) {
        synchronized (lock) {
            handles.remove(handle);
            if (!closed) release.run();
        }
    }

    void countResidentUpload() {
        residentUploads++;
    }

    /** The device kernels compute L2 and inner product; L1 and L-infinity run on the fallback. */
    @Override
    public boolean computes(Metric metric) {
        return !metric.isElementwise();
    }

    @Override
    public Neighbors knn(FloatMatrix queries, FloatMatrix base, int k, Metric metric) {
        return knn(queries, ResidentMatrix.onHost(base, null), k, metric);
    }

    @Override
    public Neighbors knn(FloatMatrix queries, FloatMatrix base, BaseNorms norms, int k, Metric metric) {
        return knn(queries, ResidentMatrix.onHost(base, norms), k, metric);
    }

    @Override
    public Neighbors knn(FloatMatrix queries, ResidentMatrix base, int k, Metric metric) {
        FloatMatrix host = base.host();
        KernelChecks.checkKnn(queries, host, k);
        if (!computes(metric)) return fallback.knn(queries, base, k, metric);
        boolean fits = search.fits(k, host.cols(), false)
                && DeviceMatrix.deviceBytes(host.rows(), host.cols(), search.block()) <= runtime.device().maxAllocBytes();
        return onDevice("knn", fits, rt -> {
            ClResident.Matrix r = ClResident.of(this, base);
            try {
                DeviceMatrix dm = r.device(new ClResident.Layout("matrix", search.block()), DeviceMatrix.class,
                        () -> DeviceMatrix.upload(rt, host, search.block()));
                return search.knn(dm, queries, k, metric);
            } finally {
                r.endCall();
            }
        }, () -> fallback.knn(queries, base, k, metric));
    }

    @Override
    public Neighbors scanLists(FloatMatrix queries, VectorLists lists, int[] probes, int nprobe, int k, Metric metric) {
        return scanLists(queries, Resident.onHost(lists), probes, nprobe, k, metric);
    }

    @Override
    public Neighbors scanLists(FloatMatrix queries, Resident<VectorLists> lists, int[] probes, int nprobe, int k,
                               Metric metric) {
        VectorLists host = lists.host();
        KernelChecks.checkScanLists(queries, host, probes, nprobe, k);
        if (!computes(metric)) return fallback.scanLists(queries, host, probes, nprobe, k, metric);
        return onDevice("scanLists", search.fits(k, host.dim(), true) && listsFit(host), rt -> {
            ClResident<VectorLists> r = ClResident.of(this, lists);
            try {
                var layout = DeviceListStore.Layout.vectors(host.dim(), search.block());
                DeviceListStore dl = r.device(layout, DeviceListStore.class,
                        () -> DeviceListStore.upload(rt, DeviceListStore.HostLists.of(host), layout));
                return search.scanLists(dl, queries, probes, nprobe, k, metric);
            } finally {
                r.endCall();
            }
        }, () -> fallback.scanLists(queries, host, probes, nprobe, k, metric));
    }

    private boolean listsFit(VectorLists lists) {
        return DeviceListStore.largestBuffer(DeviceListStore.HostLists.of(lists),
                DeviceListStore.Layout.vectors(lists.dim(), search.block())) <= runtime.device().maxAllocBytes();
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
        T run(ClRuntime rt);
    }

    /**
     * Runs {@code work} on the device when it {@code fits} and the device has not failed, under
     * knn's failure policy: a device failure is logged once and the call answered by {@code cpu},
     * as is every later call and every call that does not fit (counted as a fallback).
     */
    <T> T onDevice(String operation, boolean fits, DeviceWork<T> work, Supplier<T> cpu) {
        checkOpen();
        if (!failed && fits) {
            synchronized (lock) {
                try {
                    checkOpen();
                    injectFailureIfAsked();
                    return work.run(runtime);
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
    public void forEachQuery(int nq, IntConsumer body) {
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
        // Later calls run on the CPU: the device copies are of no more use.
        for (ClResident<?> h : handles) h.releaseCopies();
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
            for (ClResident<?> h : handles) h.releaseCopies();
            handles.clear();
            closed = true;
            runtime.close();
        }
        if (ownsFallback) fallback.close();
    }
}
