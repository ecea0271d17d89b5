package dev.komsu.kernels.opencl;

import dev.komsu.kernels.ComputeBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jocl.CLException;

/**
 * What a batched scanner borrows from its {@link OpenClBackend}: the device (runtime, options,
 * kernel shape), the lock that serialises device work, the resident copies, and the backend's
 * failure policy (a device failure is logged once and this and later calls run on the CPU; calls
 * the device cannot take are counted as fallbacks).
 */
record DeviceAccess(ClRuntime runtime, OpenClOptions options, DeviceSearch search, ResidentCache resident, Object lock,
                    ComputeBackend fallback, BooleanSupplier failed, BiConsumer<String, RuntimeException> onFailure,
                    Runnable countFallback, Runnable injectFailure, Runnable checkOpen) {

    /** Device work: runs with the device's copies of host data, some of them for this call only. */
    @FunctionalInterface
    interface DeviceCall<T> {
        T run(Uploads uploads);
    }

    /**
     * Runs {@code onDevice} under the device lock when {@code fits} and the device has not failed;
     * otherwise, or when the device fails now, answers with {@code onCpu}.
     */
    <T> T run(String operation, boolean fits, DeviceCall<T> onDevice, Supplier<T> onCpu) {
        checkOpen.run();
        if (!failed.getAsBoolean() && fits) {
            synchronized (lock) {
                try (Uploads uploads = new Uploads()) {
                    checkOpen.run();
                    injectFailure.run();
                    return onDevice.run(uploads);
                } catch (CLException | OpenClException e) {
                    onFailure.accept(operation, e);
                }
            }
        }
        countFallback.run();
        return onCpu.get();
    }

    /**
     * Device copies of one call: data at least {@link OpenClOptions#residentMinBytes()} large is
     * kept in the backend's resident cache across calls, smaller data is uploaded for this call and
     * released when it ends.
     */
    final class Uploads implements AutoCloseable {
        private final List<AutoCloseable> once = new ArrayList<>();

        <T extends AutoCloseable> T get(long hostBytes, Supplier<HostFingerprint> key, Class<T> type, Supplier<T> upload) {
            if (hostBytes < options.residentMinBytes()) {
                T t = upload.get();
                once.add(t);
                return t;
            }
            return resident.get(key.get(), type, upload);
        }

        @Override
        public void close() {
            for (AutoCloseable c : once) {
                try {
                    c.close();
                } catch (Exception e) {
                    // ClBuffer.close does not throw; a failed release leaves nothing to undo here.
                    throw new IllegalStateException("releasing a device buffer failed", e);
                }
            }
            once.clear();
        }
    }
}
