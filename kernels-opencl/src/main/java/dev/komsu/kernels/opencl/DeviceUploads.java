package dev.komsu.kernels.opencl;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The device copies of host data one call uses: data at least {@code residentMinBytes} large is
 * kept in the backend's {@link ResidentCache} across calls; smaller data is uploaded for this call
 * and released when it closes (cheap, and always current). Not thread-safe: one call's helper.
 */
final class DeviceUploads implements AutoCloseable {
    private final ResidentCache resident;
    private final long residentMinBytes;
    private final List<AutoCloseable> once = new ArrayList<>();

    DeviceUploads(ResidentCache resident, long residentMinBytes) {
        this.resident = resident;
        this.residentMinBytes = residentMinBytes;
    }

    /** The device copy of {@code hostBytes} of host data identified by {@code key}, made by {@code upload}. */
    <T extends AutoCloseable> T get(long hostBytes, Supplier<HostFingerprint> key, Class<T> type, Supplier<T> upload) {
        if (hostBytes < residentMinBytes) {
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
                // Device copies (ClBuffer, DeviceCodeLists) do not throw on close; anything else is a bug.
                throw new IllegalStateException("releasing a device copy failed", e);
            }
        }
        once.clear();
    }
}
