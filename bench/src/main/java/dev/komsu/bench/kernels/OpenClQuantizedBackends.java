package dev.komsu.bench.kernels;

import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.cpu.CpuBackend;
import dev.komsu.kernels.opencl.OpenClBackend;
import dev.komsu.kernels.opencl.OpenClDevices;
import dev.komsu.kernels.opencl.OpenClOptions;

/**
 * The backends the OpenCL FastScan / refine benchmarks compare, by JMH parameter: {@code cpu1},
 * {@code cpu2} (CpuBackend with 1 or 2 threads), {@code opencl-item} / {@code opencl-wg} (the
 * best OpenCL device with the per-work-item or work-group kernels, everything resident, CPU
 * fallback counted so a benchmark can refuse figures that are not the device's).
 */
final class OpenClQuantizedBackends {
    private OpenClQuantizedBackends() {
    }

    static ComputeBackend open(String name) {
        return switch (name) {
            case "cpu1" -> new CpuBackend(1);
            case "cpu2" -> new CpuBackend(2);
            case "opencl-item", "opencl-wg" -> {
                OpenClDevices.Discovery found = OpenClDevices.discover();
                OpenClOptions.Shape shape = name.equals("opencl-wg") ? OpenClOptions.Shape.WORK_GROUP : OpenClOptions.Shape.PER_ITEM;
                yield OpenClBackend.open(found, new CpuBackend(1), true,
                        OpenClOptions.defaults().withShape(shape));
            }
            default -> throw new IllegalArgumentException("unknown backend '" + name
                    + "': expected cpu1, cpu2, opencl-item or opencl-wg");
        };
    }

    /** Fails when an OpenCL backend answered on the CPU: its figures would not be the device's. */
    static void checkNoFallback(ComputeBackend b) {
        if (b instanceof OpenClBackend ob && ob.stats().fallbacks() > 0) {
            throw new IllegalStateException(b.name() + " fell back to the CPU " + ob.stats().fallbacks() + " times");
        }
    }
}
