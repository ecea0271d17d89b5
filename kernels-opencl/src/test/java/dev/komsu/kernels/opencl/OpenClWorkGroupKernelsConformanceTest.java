package dev.komsu.kernels.opencl;

import dev.komsu.kernels.BackendConformanceTest;
import dev.komsu.kernels.ComputeBackend;

/**
 * The conformance suite with the GPU-shaped work-group kernels forced on whatever device exists
 * (PoCL here), small work-groups so several rounds, slices and candidate merges happen even on
 * the suite's small inputs, and every base and list set resident, so the cached path is checked.
 */
class OpenClWorkGroupKernelsConformanceTest extends BackendConformanceTest {
    @Override
    protected ComputeBackend createBackend() {
        return new OpenClBackend(OpenClTestDevices.requireDevice(), new OpenClTestDevices.NoFallback(), false,
                OpenClOptions.defaults().withShape(OpenClOptions.Shape.WORK_GROUP).withWorkGroupSizes(64, 32)
                        );
    }
}
