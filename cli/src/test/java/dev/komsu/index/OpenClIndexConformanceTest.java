package dev.komsu.index;

import java.util.List;
import org.junit.jupiter.api.Nested;

/**
 * The index conformance suite ({@code IndexTestCase}) on the OpenCL backend, PoCL here: every
 * family's rows and contracts, including that results read back on the scalar reference equal
 * the OpenCL ones and that 16 concurrent searches equal the serial ones bit for bit. Skipped,
 * saying why, only where no OpenCL device exists. A family added to host's suite gets a class here.
 */
class OpenClIndexConformanceTest {
    private static final List<String> OPENCL = List.of("opencl");

    @Nested
    class Flat extends FlatIndexConformanceTest {
        @Override
        protected List<String> backends() {
            return OPENCL;
        }
    }

    @Nested
    class FlatCodes extends FlatCodesIndexConformanceTest {
        @Override
        protected List<String> backends() {
            return OPENCL;
        }
    }

    @Nested
    class PqFastScan extends PqFastScanIndexConformanceTest {
        @Override
        protected List<String> backends() {
            return OPENCL;
        }
    }

    @Nested
    class Ivf extends IvfIndexConformanceTest {
        @Override
        protected List<String> backends() {
            return OPENCL;
        }
    }

    @Nested
    class RefineFlat extends RefineFlatIndexConformanceTest {
        @Override
        protected List<String> backends() {
            return OPENCL;
        }
    }

    @Nested
    class IdMap extends IdMapIndexConformanceTest {
        @Override
        protected List<String> backends() {
            return OPENCL;
        }
    }

    @Nested
    class L2Norm extends L2NormIndexConformanceTest {
        @Override
        protected List<String> backends() {
            return OPENCL;
        }
    }
}
