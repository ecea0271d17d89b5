package dev.komsu.kernels.opencl;

import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * One OpenCL device as discovery found it, with the properties the backend sizes its kernels by.
 *
 * @param localMemBytes local (work-group shared) memory; bounds the work-group top-k
 * @param maxAllocBytes the largest single buffer the device accepts
 */
public record OpenClDevice(
        cl_platform_id platform,
        cl_device_id device,
        String platformName,
        String name,
        String vendor,
        Type type,
        int computeUnits,
        long globalMemBytes,
        long localMemBytes,
        long maxAllocBytes,
        long maxWorkGroupSize) {

    /** The device classes the backend distinguishes: kernel shapes differ between them. */
    public enum Type {
        GPU, CPU, OTHER
    }

    public boolean isGpu() {
        return type == Type.GPU;
    }

    /** A short name for logs and backend names, e.g. "pocl" or "NVIDIA GeForce RTX 4090". */
    public String shortName() {
        return platformName.toLowerCase(java.util.Locale.ROOT).contains("portable computing language") ? "pocl" : name;
    }

    /** One line for {@code komsu devices}. */
    public String describe() {
        return String.format(java.util.Locale.ROOT,
                "%s: %s (%s, %s) %d compute units, %d MiB global, %d KiB local, max work-group %d",
                type, name, vendor, platformName, computeUnits, globalMemBytes >> 20, localMemBytes >> 10,
                maxWorkGroupSize);
    }
}
