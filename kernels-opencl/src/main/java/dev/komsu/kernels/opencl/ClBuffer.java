package dev.komsu.kernels.opencl;

import org.jocl.CL;
import org.jocl.cl_mem;

/** One device buffer with its size; released by {@link #close} (idempotent). */
final class ClBuffer implements AutoCloseable {
    private final cl_mem mem;
    private final long bytes;
    private boolean released;

    ClBuffer(cl_mem mem, long bytes) {
        this.mem = mem;
        this.bytes = bytes;
    }

    cl_mem mem() {
        if (released) throw new IllegalStateException("device buffer of " + bytes + " bytes was released");
        return mem;
    }

    long bytes() {
        return bytes;
    }

    @Override
    public void close() {
        if (!released) {
            released = true;
            CL.clReleaseMemObject(mem);
        }
    }
}
