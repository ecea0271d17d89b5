package dev.komsu.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Backend discovery through {@link BackendProvider}s: by name, under auto, and what is said about them. */
class BackendsTest {
    @Test
    void theServiceLoaderFindsTheBuiltInProvidersAndOneThatOnlyTheTestTreeRegisters() {
        List<String> names = Backends.providers().stream().map(BackendProvider::name).toList();
        assertTrue(names.containsAll(List.of("cpu", "scalar", DelegatingTestProvider.NAME)), names.toString());
        try (ComputeBackend b = Backends.select(DelegatingTestProvider.NAME, 2);
             FloatMatrix q = FloatMatrix.of(new float[] {0, 0, 3, 3}, 2, 2);
             FloatMatrix base = FloatMatrix.of(new float[] {1, 1, 0, 0, 5, 5, 3, 2}, 4, 2)) {
            assertEquals(DelegatingTestProvider.NAME, b.name());
            Neighbors expected = Backends.scalar().knn(q, base, 3, Metric.L2);
            Neighbors actual = b.knn(q, base, 3, Metric.L2);
            assertArrayEquals(expected.labels(), actual.labels());
            assertArrayEquals(expected.distances(), actual.distances());
        }
    }

    @Test
    void theTestsJvmHasTheVectorApiSoCpuIsTheVectorBackend() {
        assertTrue(Backends.cpuProbe().usable(), Backends.cpuProbe().reason());
        try (ComputeBackend cpu = Backends.select("CPU", 1)) {
            assertTrue(cpu.name().startsWith("cpu-vector"), cpu.name());
        }
        try (ComputeBackend scalar = Backends.select(Backends.Kind.SCALAR, 4)) {
            assertEquals("scalar", scalar.name());
        }
    }

    @Test
    void anUnknownNameIsRefusedNamingTheBackendsThereAre() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.select("cuda", 1));
        assertTrue(e.getMessage().contains("'cuda'") && e.getMessage().contains("scalar"), e.getMessage());
    }

    @Test
    void aBackendThatCannotRunHereIsRefusedWithItsProbesReason() {
        List<BackendProvider> providers = withBuiltIns(new Fake("gone", 500, BackendProvider.Availability.unavailable("no such device")));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.select("gone", 1, providers));
        assertTrue(e.getMessage().contains("no such device"), e.getMessage());
    }

    @Test
    void autoTakesTheHighestAutomaticProviderAndSkipsOneThatFailsToOpen() {
        Fake failing = new Fake("broken", 400, BackendProvider.Availability.automatic("claims a device"));
        Fake working = new Fake("gpu", 300, BackendProvider.Availability.automatic("a device"));
        Fake manual = new Fake("manual", 350, BackendProvider.Availability.onRequest("only by name"));
        try (ComputeBackend b = Backends.select("auto", 1, withBuiltIns(failing, working, manual))) {
            assertEquals("gpu", b.name());
        }
        assertEquals(1, failing.opens.get());
        assertEquals(0, manual.opens.get());
        try (ComputeBackend b = Backends.select("auto", 1, withBuiltIns(failing, manual))) {
            assertTrue(b.name().startsWith("cpu"), b.name());
        }
    }

    @Test
    void describeDevicesListsEveryProviderAndWhatAutoWouldPick() {
        String text = Backends.describeDevices(withBuiltIns(new Fake("gpu", 300, BackendProvider.Availability.automatic("on Fake GPU"))));
        assertTrue(text.contains("scalar: available") && text.contains("cpu: available"), text);
        assertTrue(text.endsWith("auto backend: gpu (on Fake GPU)"), text);
        assertTrue(Backends.describeDevices().contains("auto backend: cpu ("), Backends.describeDevices());
    }

    private static List<BackendProvider> withBuiltIns(BackendProvider... extra) {
        List<BackendProvider> all = new ArrayList<>(Backends.providers());
        all.addAll(List.of(extra));
        return all;
    }

    /** A provider with a given probe; its backend is the scalar one under its name, and open fails unless it is "gpu". */
    private static final class Fake implements BackendProvider {
        final String name;
        final int priority;
        final Availability availability;
        final AtomicInteger opens = new AtomicInteger();

        Fake(String name, int priority, Availability availability) {
            this.name = name;
            this.priority = priority;
            this.availability = availability;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int priority() {
            return priority;
        }

        @Override
        public Availability probe() {
            return availability;
        }

        @Override
        public ComputeBackend open(int threads) {
            opens.incrementAndGet();
            if (!name.equals("gpu")) throw new IllegalStateException(name + " failed to open");
            return DelegatingTestProvider.named(name);
        }
    }
}
