package dev.komsu.kernels.opencl;

import dev.komsu.kernels.scalar.CpuPqListScanner;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.PqListScanner;
import dev.komsu.kernels.QuantizedScanConformanceTest.TestCodeLists;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Residency, the k limit, device failure, concurrency and lifecycle of the OpenCL PQ/SQ8 scanner. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenClPqListScannerPolicyTest {
    private static final long[] SIZES = {40, 0, 17, 90, 3, 60};
    private static final int M = 6;
    private static final int TABLE = M * 256;

    private final PqListScanner reference = new CpuPqListScanner(new ScalarPqBackend());
    private OpenClDevice device;

    @BeforeAll
    void findDevice() {
        device = OpenClTestDevices.requireDevice();
    }

    private Neighbors scan(PqListScanner s, TestCodeLists lists, FloatMatrix tables, float[] listTables, int[] probes,
                           int k) {
        return s.scanPq(lists, M, 8, tables, listTables, -2f, probes, null, 2, k, Metric.L2);
    }

    @Test
    void codeListsAndListTablesStayResidentAcrossBatchesAndAreUploadedAgainWhenTheListsChange() {
        try (OpenClBackend b = new OpenClBackend(device, new OpenClTestDevices.NoFallback(), false,
                OpenClOptions.defaults().withResidentMinBytes(0));
             TestCodeLists lists = new TestCodeLists(M, SIZES, 256, 1);
             FloatMatrix tables = OpenClPqListScannerTest.randomMatrix(4, TABLE, 2)) {
            float[] listTables = OpenClPqListScannerTest.randomFloats(SIZES.length * TABLE, 3);
            int[] probes = {0, 2, 3, 5, -1, 4, 1, 0};
            for (int batch = 0; batch < 3; batch++) {
                OpenClPqListScannerTest.assertSameResults(scan(reference, lists, tables, listTables, probes, 5),
                        scan(b.pqLists(), lists, tables, listTables, probes, 5), "batch " + batch);
            }
            assertEquals(2, b.stats().residentUploads(), "code lists and list tables, once each");
            try (TestCodeLists other = new TestCodeLists(M, new long[] {40, 0, 17, 91, 3, 60}, 256, 1)) {
                OpenClPqListScannerTest.assertSameResults(scan(reference, other, tables, listTables, probes, 5),
                        scan(b.pqLists(), other, tables, listTables, probes, 5), "grown lists");
            }
            assertEquals(3, b.stats().residentUploads(), "other lists are uploaded, the list tables are reused");
            assertEquals(0, b.stats().fallbacks());
        }
    }

    @Test
    void kAboveTheDeviceLimitIsAnsweredOnTheCpuWithTheSameResults() {
        try (OpenClBackend b = new OpenClBackend(device, new ScalarPqBackend(), true,
                OpenClOptions.defaults().withMaxDeviceK(4));
             TestCodeLists lists = new TestCodeLists(M, SIZES, 256, 4);
             FloatMatrix tables = OpenClPqListScannerTest.randomMatrix(2, TABLE, 5)) {
            int[] probes = {0, 3, 2, 5};
            OpenClPqListScannerTest.assertSameResults(scan(reference, lists, tables, null, probes, 9),
                    scan(b.pqLists(), lists, tables, null, probes, 9), "k=9");
            OpenClPqListScannerTest.assertSameResults(scan(reference, lists, tables, null, probes, 4),
                    scan(b.pqLists(), lists, tables, null, probes, 4), "k=4");
            assertEquals(1, b.stats().fallbacks(), "only k=9 went to the CPU");
            assertFalse(b.stats().deviceFailed());
        }
    }

    @Test
    void aDeviceFailureIsAnsweredOnTheCpuAndLaterCallsStayThere() {
        ScalarPqBackend cpu = new ScalarPqBackend();
        try (OpenClBackend b = new OpenClBackend(device, cpu, true, OpenClOptions.defaults());
             TestCodeLists lists = new TestCodeLists(12, SIZES, 256, 6);
             FloatMatrix queries = OpenClPqListScannerTest.randomMatrix(3, 12, 7)) {
            float[] ones = new float[12];
            java.util.Arrays.fill(ones, 1f);
            int[] probes = {0, 3, 5, 2, 3, 4};
            b.failNextSearch(new OpenClException("simulated CL_OUT_OF_RESOURCES"));
            Neighbors expected = reference.scanSq8(lists, queries, null, ones, ones, probes, null, 2, 4, Metric.L2);
            OpenClPqListScannerTest.assertSameResults(expected,
                    b.pqLists().scanSq8(lists, queries, null, ones, ones, probes, null, 2, 4, Metric.L2), "after failure");
            assertTrue(b.stats().deviceFailed());
            int usesAfterFailure = cpu.pqUses.get();
            OpenClPqListScannerTest.assertSameResults(expected,
                    b.pqLists().scanSq8(lists, queries, null, ones, ones, probes, null, 2, 4, Metric.L2), "later");
            assertTrue(cpu.pqUses.get() > usesAfterFailure, "the later call ran on the CPU kernels");
            assertEquals(2, b.stats().fallbacks());
        }
    }

    @Test
    void concurrentScansFromManyThreadsAllGetTheirOwnExactResults() throws Exception {
        try (OpenClBackend b = new OpenClBackend(device, new OpenClTestDevices.NoFallback(), false, OpenClOptions.defaults());
             TestCodeLists lists = new TestCodeLists(M, SIZES, 256, 8)) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    final int seed = t;
                    done.add(pool.submit(() -> {
                        try (FloatMatrix tables = OpenClPqListScannerTest.randomMatrix(3, TABLE, 100 + seed)) {
                            int[] probes = OpenClPqListScannerTest.probes(3, 2, SIZES.length, 200 + seed);
                            OpenClPqListScannerTest.assertSameResults(scan(reference, lists, tables, null, probes, 6),
                                    scan(b.pqLists(), lists, tables, null, probes, 6), "thread " + seed);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) f.get();
            } finally {
                pool.shutdownNow();
            }
            assertEquals(0, b.stats().fallbacks());
        }
    }

    @Test
    void aClosedBackendRejectsScans() {
        OpenClBackend b = new OpenClBackend(device, new OpenClTestDevices.NoFallback(), false, OpenClOptions.defaults());
        PqListScanner s = b.pqLists();
        b.close();
        try (TestCodeLists lists = new TestCodeLists(M, SIZES, 256, 9);
             FloatMatrix tables = OpenClPqListScannerTest.randomMatrix(1, TABLE, 10)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> scan(s, lists, tables, null, new int[] {0, 1}, 3));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
    }
}
