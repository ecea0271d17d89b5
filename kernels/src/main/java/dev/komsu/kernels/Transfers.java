package dev.komsu.kernels;

/**
 * Bytes a backend has copied between host and device memory since it was opened: what a batch
 * costs in transfers is the difference of two readings around it. Host backends copy nothing.
 *
 * @param hostToDevice bytes written to device memory
 * @param deviceToHost bytes read back from device memory
 */
public record Transfers(long hostToDevice, long deviceToHost) {
    /** What a backend without device memory reports. */
    public static final Transfers NONE = new Transfers(0, 0);

    /** The bytes moved since {@code earlier}, a reading of the same backend. */
    public Transfers since(Transfers earlier) {
        return new Transfers(hostToDevice - earlier.hostToDevice, deviceToHost - earlier.deviceToHost);
    }
}
