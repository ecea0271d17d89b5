package dev.komsu.kernels.opencl;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Bad tuning values fail at construction, naming the parameter and the value. */
class OpenClOptionsTest {
    private static void assertRejected(String parameter, Runnable make) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make::run);
        assertTrue(e.getMessage().contains(parameter), e.getMessage());
    }

    @Test
    void badValuesAreRejectedWithTheirName() {
        OpenClOptions d = OpenClOptions.defaults();
        assertRejected("workGroupSize", () -> d.withWorkGroupSizes(100, 64));
        assertRejected("listWorkGroupSize", () -> d.withWorkGroupSizes(128, 0));
        assertRejected("maxDeviceK", () -> d.withMaxDeviceK(0));
        assertRejected("maxQueriesPerGroup", () -> new OpenClOptions(OpenClOptions.Shape.AUTO, 128, 64, 3, 8));
    }
}
