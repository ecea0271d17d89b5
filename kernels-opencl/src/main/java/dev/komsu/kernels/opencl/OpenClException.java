package dev.komsu.kernels.opencl;

/** A device-side failure of the OpenCL backend (program build, resource exhaustion, lost device). */
public final class OpenClException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OpenClException(String message) {
        super(message);
    }

    public OpenClException(String message, Throwable cause) {
        super(message, cause);
    }
}
