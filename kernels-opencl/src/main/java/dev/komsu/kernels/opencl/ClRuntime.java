package dev.komsu.kernels.opencl;

import static org.jocl.CL.CL_CONTEXT_PLATFORM;
import static org.jocl.CL.CL_MEM_READ_WRITE;
import static org.jocl.CL.CL_PROGRAM_BUILD_LOG;
import static org.jocl.CL.CL_TRUE;

import dev.komsu.kernels.Transfers;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;

/**
 * The OpenCL objects of one device: context, in-order queue, and the programs built from the
 * {@code .cl} resources, each built once per option string and cached (the driver compiles on
 * clBuildProgram and again on first launch, 100-600 ms on PoCL, so rebuilding per search would
 * dominate). Not thread-safe: the backend serialises access.
 */
final class ClRuntime implements AutoCloseable {
    private static final int MAX_TRANSFER = 1 << 30; // ByteBuffer views are int-indexed

    private final OpenClDevice device;
    private final cl_context context;
    private final cl_command_queue queue;
    private final Map<String, cl_program> programs = new HashMap<>();
    private final Map<String, cl_kernel> kernels = new HashMap<>();
    private int builds;
    // Counted where the copies are enqueued, so no transfer escapes them; atomics because the
    // harness reads them from another thread while a search runs.
    private final AtomicLong hostToDevice = new AtomicLong();
    private final AtomicLong deviceToHost = new AtomicLong();

    static void enableExceptions() {
        // JOCL's switch is process-wide; every JOCL call in komsu relies on it, none turns it off.
        CL.setExceptionsEnabled(true);
    }

    @SuppressWarnings("deprecation") // clCreateCommandQueue: the 1.2 entry point every driver has
    ClRuntime(OpenClDevice device) {
        enableExceptions();
        this.device = device;
        cl_context_properties props = new cl_context_properties();
        props.addProperty(CL_CONTEXT_PLATFORM, device.platform());
        this.context = CL.clCreateContext(props, 1, new cl_device_id[] {device.device()}, null, null, null);
        cl_command_queue q;
        try {
            q = CL.clCreateCommandQueue(context, device.device(), 0, null);
        } catch (CLException e) {
            CL.clReleaseContext(context);
            throw e;
        }
        this.queue = q;
    }

    OpenClDevice device() {
        return device;
    }

    /** How many programs were built so far (a cache miss each). */
    int builds() {
        return builds;
    }

    /** Bytes copied host to device and device to host since this runtime was opened. */
    Transfers transfers() {
        return new Transfers(hostToDevice.get(), deviceToHost.get());
    }

    /**
     * The kernel {@code name} of the program made of {@code sources} (resource names, joined in
     * order) built with {@code options}. Built on first use; later calls return the cached one.
     */
    cl_kernel kernel(List<String> sources, String options, String name) {
        String programKey = String.join("+", sources) + " " + options;
        cl_program program = programs.get(programKey);
        if (program == null) {
            program = build(sources, options);
            programs.put(programKey, program);
        }
        return kernels.computeIfAbsent(programKey + "#" + name, key -> CL.clCreateKernel(programs.get(programKey), name, null));
    }

    private cl_program build(List<String> sources, String options) {
        StringBuilder src = new StringBuilder();
        for (String s : sources) src.append(loadSource(s)).append('\n');
        cl_program program = CL.clCreateProgramWithSource(context, 1, new String[] {src.toString()}, null, null);
        try {
            CL.clBuildProgram(program, 1, new cl_device_id[] {device.device()}, options, null, null);
        } catch (CLException e) {
            String log = buildLog(program);
            CL.clReleaseProgram(program);
            throw new OpenClException("building " + sources + " with options '" + options + "' failed on "
                    + device.name() + ": " + e.getMessage() + "\nbuild log:\n" + log, e);
        }
        builds++;
        return program;
    }

    private String buildLog(cl_program program) {
        try {
            long[] size = new long[1];
            CL.clGetProgramBuildInfo(program, device.device(), CL_PROGRAM_BUILD_LOG, 0, null, size);
            byte[] buf = new byte[(int) size[0]];
            CL.clGetProgramBuildInfo(program, device.device(), CL_PROGRAM_BUILD_LOG, buf.length, Pointer.to(buf), null);
            return new String(buf, StandardCharsets.UTF_8).trim();
        } catch (CLException e) {
            return "(build log unavailable: " + e.getMessage() + ")";
        }
    }

    static String loadSource(String resource) {
        try (InputStream in = ClRuntime.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("OpenCL source " + resource + " is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read OpenCL source " + resource, e);
        }
    }

    ClBuffer allocate(long bytes) {
        long size = Math.max(bytes, 4);
        cl_mem mem = CL.clCreateBuffer(context, CL_MEM_READ_WRITE, size, null, null);
        return new ClBuffer(mem, size);
    }

    /** Copies host memory into {@code dst} at {@code dstOffset} (blocking; chunked below 2 GiB). */
    void write(ClBuffer dst, long dstOffset, MemorySegment src) {
        if (!src.isNative()) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment copy = arena.allocate(Math.max(1, src.byteSize()), 64);
                copy.copyFrom(src);
                write(dst, dstOffset, copy.asSlice(0, src.byteSize()));
            }
            return;
        }
        hostToDevice.addAndGet(src.byteSize());
        for (long done = 0; done < src.byteSize(); done += MAX_TRANSFER) {
            long n = Math.min(MAX_TRANSFER, src.byteSize() - done);
            CL.clEnqueueWriteBuffer(queue, dst.mem(), CL_TRUE, dstOffset + done, n,
                    Pointer.to(src.asSlice(done, n).asByteBuffer()), 0, null, null);
        }
    }

    /** Copies {@code dst.byteSize()} bytes from {@code src} at {@code srcOffset} into native memory (blocking). */
    void read(ClBuffer src, long srcOffset, MemorySegment dst) {
        deviceToHost.addAndGet(dst.byteSize());
        for (long done = 0; done < dst.byteSize(); done += MAX_TRANSFER) {
            long n = Math.min(MAX_TRANSFER, dst.byteSize() - done);
            CL.clEnqueueReadBuffer(queue, src.mem(), CL_TRUE, srcOffset + done, n,
                    Pointer.to(dst.asSlice(done, n).asByteBuffer()), 0, null, null);
        }
    }

    /** Arguments for {@link #launch}: buffers, ints, longs, and local-memory sizes. */
    static final class Args {
        private final List<Object> values = new ArrayList<>();

        Args buffer(ClBuffer b) {
            values.add(b);
            return this;
        }

        Args i32(int v) {
            values.add(v);
            return this;
        }

        Args i64(long v) {
            values.add(v);
            return this;
        }

        Args local(long bytes) {
            values.add(new LocalBytes(bytes));
            return this;
        }
    }

    private record LocalBytes(long bytes) {
    }

    /** Enqueues {@code kernel} over {@code global} work-items in groups of {@code local} (0: driver's choice). */
    void launch(cl_kernel kernel, Args args, long global, long local) {
        if (global == 0) return; // an empty NDRange is an error in OpenCL 1.2
        for (int i = 0; i < args.values.size(); i++) {
            Object v = args.values.get(i);
            switch (v) {
                case ClBuffer b -> CL.clSetKernelArg(kernel, i, Sizeof.cl_mem, Pointer.to(b.mem()));
                case Integer n -> CL.clSetKernelArg(kernel, i, Sizeof.cl_int, Pointer.to(new int[] {n}));
                case Long n -> CL.clSetKernelArg(kernel, i, Sizeof.cl_long, Pointer.to(new long[] {n}));
                case LocalBytes l -> CL.clSetKernelArg(kernel, i, Math.max(4, l.bytes()), null);
                default -> throw new IllegalArgumentException("unsupported kernel argument " + v);
            }
        }
        long[] localSize = local > 0 ? new long[] {local} : null;
        long rounded = local > 0 ? (global + local - 1) / local * local : global;
        CL.clEnqueueNDRangeKernel(queue, kernel, 1, null, new long[] {rounded}, localSize, 0, null, null);
    }

    /** The largest work-group {@code kernel} can run with on this device. */
    long maxWorkGroup(cl_kernel kernel) {
        long[] v = new long[1];
        CL.clGetKernelWorkGroupInfo(kernel, device.device(), CL.CL_KERNEL_WORK_GROUP_SIZE, Sizeof.size_t, Pointer.to(v), null);
        return v[0];
    }

    void finish() {
        CL.clFinish(queue);
    }

    @Override
    public void close() {
        for (cl_kernel k : kernels.values()) CL.clReleaseKernel(k);
        kernels.clear();
        for (cl_program p : programs.values()) CL.clReleaseProgram(p);
        programs.clear();
        CL.clReleaseCommandQueue(queue);
        CL.clReleaseContext(context);
    }
}
