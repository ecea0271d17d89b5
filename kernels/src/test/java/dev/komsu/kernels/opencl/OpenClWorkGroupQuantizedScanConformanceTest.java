package dev.komsu.kernels.opencl;

import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.QuantizedScanConformanceTest;

/**
 * The batched quantised-scan suite with the GPU-shaped work-group kernels forced on whatever
 * device exists (PoCL here), small groups so rounds and candidate merges happen on the suite's
 * small lists, and every list set resident, so the cached path is checked.
 */
class OpenClWorkGroupQuantizedScanConformanceTest extends QuantizedScanConformanceTest {
    @Override
    protected ComputeBackend createBackend() {
        return new OpenClBackend(OpenClTestDevices.requireDevice(), new OpenClTestDevices.NoFallback(), false,
                OpenClOptions.defaults().withShape(OpenClOptions.Shape.WORK_GROUP).withWorkGroupSizes(64, 32)
                        .withResidentMinBytes(0));
    }
}
