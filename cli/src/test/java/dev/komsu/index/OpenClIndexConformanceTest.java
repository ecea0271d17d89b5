package dev.komsu.index;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.komsu.IndexTestCase;
import dev.komsu.OnBackends;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * The index conformance suite ({@code IndexTestCase}) on the OpenCL backend, PoCL here: every
 * family's rows and contracts, including that results read back on the scalar reference equal
 * the OpenCL ones and that 16 concurrent searches equal the serial ones bit for bit. Skipped,
 * saying why, only where no OpenCL device exists. A family added to host's suite gets a class
 * here, or {@link #everyIndexFamilyRunsHere} fails.
 */
@OnBackends("opencl")
class OpenClIndexConformanceTest {
    @Test
    void everyIndexFamilyRunsHere() {
        Set<Class<?>> families = ReflectionSupport.findAllClassesInPackage("dev.komsu", c -> IndexTestCase.class.isAssignableFrom(c)
                && !Modifier.isAbstract(c.getModifiers()) && c.getEnclosingClass() == null, n -> true).stream().collect(Collectors.toSet());
        Set<Class<?>> here = Arrays.stream(getClass().getDeclaredClasses()).map(Class::getSuperclass).collect(Collectors.toSet());
        assertEquals(families, here);
    }

    @Nested
    class Flat extends FlatIndexConformanceTest {
    }

    @Nested
    class FlatCodes extends FlatCodesIndexConformanceTest {
    }

    @Nested
    class PqFastScan extends PqFastScanIndexConformanceTest {
    }

    @Nested
    class Ivf extends IvfIndexConformanceTest {
    }

    @Nested
    class RefineFlat extends RefineFlatIndexConformanceTest {
    }

    @Nested
    class IdMap extends IdMapIndexConformanceTest {
    }

    @Nested
    class Hnsw extends HnswIndexConformanceTest {
    }

    @Nested
    class IvfHnsw extends IvfHnswIndexConformanceTest {
    }

    @Nested
    class L2Norm extends L2NormIndexConformanceTest {
    }
}
