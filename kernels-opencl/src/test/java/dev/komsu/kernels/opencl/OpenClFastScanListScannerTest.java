package dev.komsu.kernels.opencl;

import dev.komsu.kernels.scalar.CpuFastScanListScanner;
import dev.komsu.kernels.scalar.ScalarBackend;
import dev.komsu.kernels.scalar.ScalarFastScan;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.kernels.FastScanKernels;
import dev.komsu.kernels.FastScanListScanner;
import dev.komsu.kernels.BlockCodeLists;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Resident;
import dev.komsu.kernels.QuantizedTopK;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The OpenCL FastScan list scan against the reference (ScalarFastScan into one QuantizedTopK per
 * query, in scan order): keys and ids must be identical, ties included, for both kernel shapes.
 * One backend per shape serves every test (PoCL builds programs slowly); the work-group shape
 * runs with 32-wide groups so lists span several rounds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenClFastScanListScannerTest {
    private static final long[] RAGGED = {0, 1, 31, 32, 33, 100, 7, 0, 64, 250, 95, 2, 160};

    private final Map<OpenClOptions.Shape, OpenClBackend> backends = new EnumMap<>(OpenClOptions.Shape.class);
    private OpenClDevice device;

    @BeforeAll
    void open() {
        device = OpenClTestDevices.requireDevice();
        for (OpenClOptions.Shape shape : new OpenClOptions.Shape[] {OpenClOptions.Shape.WORK_GROUP, OpenClOptions.Shape.PER_ITEM}) {
            backends.put(shape, new OpenClBackend(device, new ScalarBackend(), true, options(shape)));
        }
    }

    private static OpenClOptions options(OpenClOptions.Shape shape) {
        return OpenClOptions.defaults().withShape(shape).withWorkGroupSizes(64, 32);
    }

    @AfterAll
    void close() {
        backends.values().forEach(OpenClBackend::close);
    }

    private void assertMatchesReference(OpenClOptions.Shape shape, FastScanFixture.Lists lists, byte[] luts, int tables,
                                        int[] biases, int[] probes, int nprobe, int k) {
        assertMatchesReference(shape, backends.get(shape).fastScanLists(), lists, luts, tables, biases, probes, nprobe, k);
    }

    private void assertMatchesReference(OpenClOptions.Shape shape, FastScanListScanner scanner, FastScanFixture.Lists lists,
                                        byte[] luts, int tables, int[] biases, int[] probes, int nprobe, int k) {
        OpenClBackend b = backends.get(shape);
        int fallbacks = b.stats().fallbacks();
        int nq = probes.length / nprobe;
        int[] expectedKeys = new int[nq * k];
        long[] expectedIds = new long[nq * k];
        FastScanFixture.reference(lists, luts, tables, biases, probes, nprobe, k, expectedKeys, expectedIds);
        int[] keys = new int[nq * k];
        long[] ids = new long[nq * k];
        scanner.scan(lists, luts, tables, biases, probes, nprobe, k, keys, ids, Metric.L2);
        assertEquals(fallbacks, b.stats().fallbacks(), "the device answered, not the CPU");
        assertArrayEquals(expectedKeys, keys, "keys");
        assertArrayEquals(expectedIds, ids, "ids");
    }

    @ParameterizedTest
    @EnumSource(names = {"WORK_GROUP", "PER_ITEM"})
    void raggedListsWithEmptyListsMissingProbesAndPartialBlocksMatchTheReference(OpenClOptions.Shape shape) {
        for (int m2 : new int[] {2, 8, 34}) {
            try (FastScanFixture.Lists lists = FastScanFixture.lists(m2, RAGGED, m2)) {
                int nprobe = 5;
                int nq = 9;
                int[] probes = FastScanFixture.probes(nq, nprobe, RAGGED.length, 11 + m2);
                for (int tables : new int[] {1, nprobe}) {
                    byte[] luts = FastScanFixture.luts(nq * tables, m2, 256, 3 + tables);
                    for (int k : new int[] {1, 7, 40}) {
                        assertMatchesReference(shape, lists, luts, tables, null, probes, nprobe, k);
                        assertMatchesReference(shape, lists, luts, tables, FastScanFixture.biases(nq * nprobe, k), probes, nprobe, k);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"WORK_GROUP", "PER_ITEM"})
    void biasesWrapModulo2To16(OpenClOptions.Shape shape) {
        try (FastScanFixture.Lists lists = FastScanFixture.lists(64, RAGGED, 5)) {
            int nprobe = 4;
            int nq = 6;
            int[] probes = FastScanFixture.probes(nq, nprobe, RAGGED.length, 6);
            // m2=64 entries of up to 255 sum to ~8k: biases near 65535 wrap most distances past zero
            int[] biases = new int[nq * nprobe];
            for (int i = 0; i < biases.length; i++) biases[i] = 65535 - 3000 * (i % 5);
            byte[] luts = FastScanFixture.luts(nq, 64, 256, 8);
            assertMatchesReference(shape, lists, luts, 1, biases, probes, nprobe, 10);
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"WORK_GROUP", "PER_ITEM"})
    void manyEqualKeysAtTheKthPlaceKeepTheCandidatesTheCpuKeeps(OpenClOptions.Shape shape) {
        // tables of 0s and 1s over 2 sub-quantisers: keys 0..2 only, so hundreds of candidates
        // tie at the k-th key and which ones stay depends on the scan order
        try (FastScanFixture.Lists lists = FastScanFixture.lists(2, RAGGED, 21)) {
            int nprobe = RAGGED.length;
            int nq = 4;
            int[] probes = new int[nq * nprobe];
            for (int q = 0; q < nq; q++) {
                for (int p = 0; p < nprobe; p++) probes[q * nprobe + p] = (p * 5 + q) % RAGGED.length; // not sorted
            }
            byte[] luts = FastScanFixture.luts(nq * nprobe, 2, 2, 22);
            for (int k : new int[] {1, 3, 50, 300}) {
                assertMatchesReference(shape, lists, luts, nprobe, null, probes, nprobe, k);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"WORK_GROUP", "PER_ITEM"})
    void kAboveTheCandidatesLeavesEmptySlotsAndAllProbesMissingGivesNothing(OpenClOptions.Shape shape) {
        try (FastScanFixture.Lists lists = FastScanFixture.lists(4, new long[] {3, 0, 40}, 31)) {
            int[] probes = {0, 1, 2, -1, -1, -1, 1, 1, 1};
            byte[] luts = FastScanFixture.luts(3, 4, 256, 32);
            assertMatchesReference(shape, lists, luts, 1, null, probes, 3, 60);
            int[] keys = new int[3 * 60];
            long[] ids = new long[3 * 60];
            backends.get(shape).fastScanLists().scan(lists, luts, 1, null, probes, 3, 60, keys, ids, Metric.L2);
            assertEquals(-1L, ids[43], "query 0 has 43 candidates");
            assertEquals(QuantizedTopK.EMPTY, keys[60]);
            assertTrue(Arrays.stream(ids, 60, 180).allMatch(id -> id == -1L), "queries 1 and 2 probe nothing");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"WORK_GROUP", "PER_ITEM"})
    void batchesAboveTheKeyBufferRunInChunksWithTheSameResults(OpenClOptions.Shape shape) {
        // a query scans at most 5 lists of 256 padded keys (2.5 KiB): 4 KiB chunks hold 1-3 queries
        FastScanListScanner chunked = new OpenClFastScanListScanner(backends.get(shape), options(shape),
                shape == OpenClOptions.Shape.WORK_GROUP, new CpuFastScanListScanner(ScalarFastScan.INSTANCE), 4 << 10);
        try (FastScanFixture.Lists lists = FastScanFixture.lists(8, RAGGED, 91)) {
            int nprobe = 5;
            int nq = 11;
            int[] probes = FastScanFixture.probes(nq, nprobe, RAGGED.length, 92);
            byte[] luts = FastScanFixture.luts(nq * nprobe, 8, 256, 93);
            assertMatchesReference(shape, chunked, lists, luts, nprobe, FastScanFixture.biases(nq * nprobe, 94), probes, nprobe, 6);
        }
    }

    @Test
    void preparedListsAreUploadedOnceAcrossBatches() {
        OpenClBackend b = backends.get(OpenClOptions.Shape.PER_ITEM);
        try (FastScanFixture.Lists lists = FastScanFixture.lists(8, RAGGED, 41);
             Resident<BlockCodeLists> resident = b.prepare((BlockCodeLists) lists)) {
            int uploads = b.stats().residentUploads();
            for (int batch = 0; batch < 3; batch++) {
                int[] probes = FastScanFixture.probes(5, 3, RAGGED.length, 42 + batch);
                byte[] luts = FastScanFixture.luts(5, 8, 256, batch);
                int[] expectedKeys = new int[5 * 5];
                long[] expectedIds = new long[5 * 5];
                FastScanFixture.reference(lists, luts, 1, null, probes, 3, 5, expectedKeys, expectedIds);
                int[] keys = new int[5 * 5];
                long[] ids = new long[5 * 5];
                b.fastScanLists().scan(resident, luts, 1, null, probes, 3, 5, keys, ids, Metric.L2);
                assertArrayEquals(expectedKeys, keys, "keys");
                assertArrayEquals(expectedIds, ids, "ids");
            }
            assertEquals(uploads + 1, b.stats().residentUploads());
        }
    }

    @Test
    void kAboveTheDeviceLimitIsAnsweredOnTheCpu() {
        try (OpenClBackend b = new OpenClBackend(device, new ScalarBackend(), true,
                OpenClOptions.defaults().withShape(OpenClOptions.Shape.PER_ITEM).withMaxDeviceK(4));
             FastScanFixture.Lists lists = FastScanFixture.lists(4, RAGGED, 51)) {
            int[] probes = FastScanFixture.probes(3, 4, RAGGED.length, 52);
            byte[] luts = FastScanFixture.luts(3, 4, 256, 53);
            int[] keys = new int[3 * 9];
            long[] ids = new long[3 * 9];
            int[] expectedKeys = new int[3 * 9];
            long[] expectedIds = new long[3 * 9];
            FastScanFixture.reference(lists, luts, 1, null, probes, 4, 9, expectedKeys, expectedIds);
            b.fastScanLists().scan(lists, luts, 1, null, probes, 4, 9, keys, ids, Metric.L2);
            assertEquals(1, b.stats().fallbacks());
            assertArrayEquals(expectedKeys, keys);
            assertArrayEquals(expectedIds, ids);
        }
    }

    @Test
    void aDeviceFailureIsAnsweredOnTheCpuAndLaterCallsStayThere() {
        try (OpenClBackend b = new OpenClBackend(device, new ScalarBackend(), true,
                OpenClOptions.defaults().withShape(OpenClOptions.Shape.PER_ITEM));
             FastScanFixture.Lists lists = FastScanFixture.lists(4, RAGGED, 61)) {
            int[] probes = FastScanFixture.probes(3, 4, RAGGED.length, 62);
            byte[] luts = FastScanFixture.luts(3, 4, 256, 63);
            int[] expectedKeys = new int[3 * 5];
            long[] expectedIds = new long[3 * 5];
            FastScanFixture.reference(lists, luts, 1, null, probes, 4, 5, expectedKeys, expectedIds);
            b.failNextSearch(new OpenClException("injected", null));
            FastScanListScanner scanner = b.fastScanLists();
            for (int call = 0; call < 2; call++) {
                int[] keys = new int[3 * 5];
                long[] ids = new long[3 * 5];
                scanner.scan(lists, luts, 1, null, probes, 4, 5, keys, ids, Metric.L2);
                assertArrayEquals(expectedKeys, keys);
                assertArrayEquals(expectedIds, ids);
            }
            assertTrue(b.stats().deviceFailed());
            assertEquals(2, b.stats().fallbacks());
        }
    }

    @Test
    void innerProductIsLeftToTheCpuForm() {
        OpenClBackend b = backends.get(OpenClOptions.Shape.PER_ITEM);
        try (FastScanFixture.Lists lists = FastScanFixture.lists(4, RAGGED, 71)) {
            // the device kernels are L2 only: inner product must be the CPU form's answer, never an L2 one
            byte[] luts = FastScanFixture.luts(3, 4, 256, 72);
            int[] probes = FastScanFixture.probes(3, 4, RAGGED.length, 73);
            int[] expectedKeys = new int[3 * 5];
            long[] expectedIds = new long[3 * 5];
            new CpuFastScanListScanner(ScalarFastScan.INSTANCE).scan(lists, luts, 1, null, probes, 4, 5, expectedKeys,
                    expectedIds, Metric.INNER_PRODUCT);
            int[] keys = new int[3 * 5];
            long[] ids = new long[3 * 5];
            b.fastScanLists().scan(lists, luts, 1, null, probes, 4, 5, keys, ids, Metric.INNER_PRODUCT);
            assertArrayEquals(expectedKeys, keys);
            assertArrayEquals(expectedIds, ids);
        }
    }

    @Test
    void tablesOfTheWrongSizeAreRejectedWithTheExpectedSize() {
        OpenClBackend b = backends.get(OpenClOptions.Shape.PER_ITEM);
        try (FastScanFixture.Lists lists = FastScanFixture.lists(4, RAGGED, 81)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.fastScanLists().scan(lists,
                    new byte[4 * FastScanKernels.KSUB + 1], 1, null, new int[] {0}, 1, 1, new int[1], new long[1], Metric.L2));
            assertTrue(e.getMessage().contains("expected nq*tables*m2*16 = 64"), e.getMessage());
        }
    }
}
