package dev.komsu.kernels.opencl;

import dev.komsu.kernels.scalar.ScalarBackend;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.QuantizedScanConformanceTest;
import org.junit.jupiter.api.AfterAll;

/**
 * The batched quantised-scan suite on the OpenCL backend with the CPU-device per-work-item kernels,
 * every list set and base resident; the device must have answered every FastScan and refine
 * call (no CPU fallback).
 */
class OpenClPerItemQuantizedScanConformanceTest extends QuantizedScanConformanceTest {
    @Override
    protected ComputeBackend createBackend() {
        return new OpenClBackend(OpenClTestDevices.requireDevice(), new ScalarBackend(), true,
                OpenClOptions.defaults().withShape(OpenClOptions.Shape.PER_ITEM));
    }

    @AfterAll
    void theDeviceAnsweredEveryCall() {
        assertEquals(0, ((OpenClBackend) backend()).stats().fallbacks(), "calls answered on the CPU");
    }
}
