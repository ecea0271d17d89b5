package dev.komsu.kernels.opencl;

import static org.jocl.CL.CL_DEVICE_GLOBAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_LOCAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_COMPUTE_UNITS;
import static org.jocl.CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_WORK_GROUP_SIZE;
import static org.jocl.CL.CL_DEVICE_NAME;
import static org.jocl.CL.CL_DEVICE_TYPE;
import static org.jocl.CL.CL_DEVICE_TYPE_ALL;
import static org.jocl.CL.CL_DEVICE_TYPE_CPU;
import static org.jocl.CL.CL_DEVICE_TYPE_GPU;
import static org.jocl.CL.CL_DEVICE_VENDOR;
import static org.jocl.CL.CL_PLATFORM_NAME;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * Finds OpenCL devices. Discovery never throws: a missing driver or library becomes an empty
 * {@link Discovery} whose {@code problem} says what is missing, so callers can fall back to the
 * CPU or report it.
 */
public final class OpenClDevices {
    /** What to install when no device is found; the message users see. */
    public static final String INSTALL_HINT = "install an OpenCL driver (ICD) for your GPU (e.g. Debian's"
            + " nvidia-opencl-icd, mesa-opencl-icd or intel-opencl-icd), or pocl-opencl-icd for a CPU device, plus"
            + " ocl-icd-opencl-dev for the unversioned libOpenCL.so that JOCL loads";

    private OpenClDevices() {
    }

    /** The devices found, GPUs first (then CPU devices, then others), and why there are none if so. */
    public record Discovery(List<OpenClDevice> devices, String problem) {
        public Discovery {
            List<OpenClDevice> sorted = new ArrayList<>(devices);
            sorted.sort(Comparator.comparingInt(d -> d.type().ordinal())); // GPU, CPU, OTHER; stable
            devices = List.copyOf(sorted);
        }

        public static Discovery none(String problem) {
            return new Discovery(List.of(), problem);
        }

        /** The first GPU, if any. */
        public Optional<OpenClDevice> firstGpu() {
            return devices.stream().filter(OpenClDevice::isGpu).findFirst();
        }

        /** The first GPU, else any other device (e.g. PoCL on the CPU). */
        public Optional<OpenClDevice> best() {
            return devices.stream().findFirst();
        }

        /** A multi-line listing for {@code komsu devices}. */
        public String describe() {
            if (devices.isEmpty()) return "no OpenCL device: " + problem + "\n(" + INSTALL_HINT + ")";
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < devices.size(); i++) sb.append('[').append(i).append("] ").append(devices.get(i).describe()).append('\n');
            return sb.toString().stripTrailing();
        }
    }

    /** Asks the OpenCL ICD loader for every device of every platform. */
    public static Discovery discover() {
        try {
            ClRuntime.enableExceptions();
            int[] count = new int[1];
            CL.clGetPlatformIDs(0, null, count);
            if (count[0] == 0) return Discovery.none("no OpenCL platform is installed");
            cl_platform_id[] platforms = new cl_platform_id[count[0]];
            CL.clGetPlatformIDs(platforms.length, platforms, null);
            List<OpenClDevice> found = new ArrayList<>();
            for (cl_platform_id platform : platforms) found.addAll(devicesOf(platform));
            if (found.isEmpty()) return Discovery.none("OpenCL platforms exist but report no device");
            return new Discovery(found, "");
        } catch (CLException e) {
            // CL_PLATFORM_NOT_FOUND_KHR (-1001) is how the ICD loader says "no driver installed".
            return Discovery.none("OpenCL reported " + e.getMessage());
        } catch (LinkageError e) {
            return Discovery.none("the OpenCL library could not be loaded (" + e.getMessage() + ")");
        }
    }

    private static List<OpenClDevice> devicesOf(cl_platform_id platform) {
        List<OpenClDevice> out = new ArrayList<>();
        int[] count = new int[1];
        try {
            CL.clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 0, null, count);
        } catch (CLException e) {
            return out; // CL_DEVICE_NOT_FOUND: an installed platform without hardware
        }
        cl_device_id[] devices = new cl_device_id[count[0]];
        CL.clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, devices.length, devices, null);
        String platformName = platformString(platform, CL_PLATFORM_NAME);
        for (cl_device_id d : devices) {
            long type = deviceLong(d, CL_DEVICE_TYPE);
            OpenClDevice.Type t = (type & CL_DEVICE_TYPE_GPU) != 0 ? OpenClDevice.Type.GPU
                    : (type & CL_DEVICE_TYPE_CPU) != 0 ? OpenClDevice.Type.CPU : OpenClDevice.Type.OTHER;
            out.add(new OpenClDevice(platform, d, platformName, deviceString(d, CL_DEVICE_NAME),
                    deviceString(d, CL_DEVICE_VENDOR), t, deviceInt(d, CL_DEVICE_MAX_COMPUTE_UNITS),
                    deviceLong(d, CL_DEVICE_GLOBAL_MEM_SIZE), deviceLong(d, CL_DEVICE_LOCAL_MEM_SIZE),
                    deviceLong(d, CL_DEVICE_MAX_MEM_ALLOC_SIZE), deviceSize(d, CL_DEVICE_MAX_WORK_GROUP_SIZE)));
        }
        return out;
    }

    private static String platformString(cl_platform_id p, int param) {
        long[] size = new long[1];
        CL.clGetPlatformInfo(p, param, 0, null, size);
        byte[] buf = new byte[(int) size[0]];
        CL.clGetPlatformInfo(p, param, buf.length, Pointer.to(buf), null);
        return cString(buf);
    }

    private static String deviceString(cl_device_id d, int param) {
        long[] size = new long[1];
        CL.clGetDeviceInfo(d, param, 0, null, size);
        byte[] buf = new byte[(int) size[0]];
        CL.clGetDeviceInfo(d, param, buf.length, Pointer.to(buf), null);
        return cString(buf);
    }

    private static long deviceLong(cl_device_id d, int param) {
        long[] v = new long[1];
        CL.clGetDeviceInfo(d, param, Sizeof.cl_ulong, Pointer.to(v), null);
        return v[0];
    }

    private static int deviceInt(cl_device_id d, int param) {
        int[] v = new int[1];
        CL.clGetDeviceInfo(d, param, Sizeof.cl_uint, Pointer.to(v), null);
        return v[0];
    }

    private static long deviceSize(cl_device_id d, int param) {
        long[] v = new long[1];
        CL.clGetDeviceInfo(d, param, Sizeof.size_t, Pointer.to(v), null);
        return v[0];
    }

    private static String cString(byte[] buf) {
        int n = 0;
        while (n < buf.length && buf[n] != 0) n++;
        return new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8).trim();
    }
}
