package dev.komsu.kernels.opencl;

import dev.komsu.kernels.scalar.ScalarBackend;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.kernels.BackendProvider;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Device ordering and the backend Backends.select picks with and without OpenCL devices. */
class OpenClSelectionTest {
    // Discovery results made by hand: handles are null, so only selection logic may touch them.
    /** The providers on the class path, with the OpenCL one seeing {@code found}. */
    private static List<BackendProvider> with(OpenClDevices.Discovery found) {
        List<BackendProvider> providers = new java.util.ArrayList<>(Backends.providers());
        assertTrue(providers.removeIf(p -> p.name().equals("opencl")), "the OpenCL provider is found on the class path");
        providers.add(new OpenClProvider(() -> found));
        return providers;
    }

    private static OpenClDevice fake(String name, OpenClDevice.Type type) {
        return new OpenClDevice(null, null, "Fake Platform", name, "Fake", type, 4, 1L << 30, 48 << 10, 1L << 28, 1024);
    }

    @Test
    void discoveryListsGpusBeforeCpuDevices() {
        OpenClDevice cpu = fake("cpu0", OpenClDevice.Type.CPU);
        OpenClDevice gpu = fake("gpu0", OpenClDevice.Type.GPU);
        OpenClDevice other = fake("fpga0", OpenClDevice.Type.OTHER);
        OpenClDevices.Discovery d = new OpenClDevices.Discovery(List.of(other, cpu, gpu), "");
        assertEquals(List.of(gpu, cpu, other), d.devices());
        assertEquals(gpu, d.best().orElseThrow());
        assertEquals(gpu, d.firstGpu().orElseThrow());
    }

    @Test
    void openClRequestedWithoutAnyDeviceFailsNamingWhatToInstall() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Backends.select("opencl", 1, with(OpenClDevices.Discovery.none("simulated: no platform"))));
        assertTrue(e.getMessage().contains("simulated: no platform"), e.getMessage());
        assertTrue(e.getMessage().contains("pocl-opencl-icd"), e.getMessage());
        assertTrue(e.getMessage().contains("ocl-icd-opencl-dev"), e.getMessage());
    }

    @Test
    void autoWithoutGpuPicksTheCpuBackend() {
        OpenClDevices.Discovery cpuOnly = new OpenClDevices.Discovery(List.of(fake("pocl", OpenClDevice.Type.CPU)), "");
        try (ComputeBackend b = Backends.select("auto", 1, with(cpuOnly))) {
            assertTrue(b.name().startsWith("cpu"), b.name());
        }
        try (ComputeBackend b = Backends.select("auto", 1, with(OpenClDevices.Discovery.none("none")))) {
            assertTrue(b.name().startsWith("cpu"), b.name());
        }
    }

    @Test
    void describeDevicesSaysWhatAutoPicks() {
        String none = Backends.describeDevices(with(OpenClDevices.Discovery.none("simulated")));
        assertTrue(none.contains("simulated") && none.contains("auto backend: cpu"), none);
        String gpu = Backends.describeDevices(with(new OpenClDevices.Discovery(List.of(fake("gpu0", OpenClDevice.Type.GPU)), "")));
        assertTrue(gpu.contains("GPU: gpu0") && gpu.contains("auto backend: opencl (on gpu0)"), gpu);
    }

    @Test
    void openClRequestedWithARealDeviceSearchesOnIt() {
        OpenClTestDevices.requireDevice();
        try (ComputeBackend b = Backends.select(Backends.Kind.OPENCL, 1);
             FloatMatrix q = FloatMatrix.of(new float[] {0, 0, 1, 1}, 2, 2);
             FloatMatrix base = FloatMatrix.of(new float[] {1, 1, 0, 0, 5, 5}, 3, 2)) {
            assertTrue(b.name().startsWith("opencl:"), b.name());
            Neighbors expected = new ScalarBackend().knn(q, base, 2, Metric.L2);
            Neighbors actual = b.knn(q, base, 2, Metric.L2);
            assertArrayEquals(expected.labels(), actual.labels());
            assertArrayEquals(expected.distances(), actual.distances());
        }
    }
}
