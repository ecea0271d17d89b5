package dev.komsu.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.SearchParams;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Issue 14's memory reproducers: huge k and k_factor are clamped or refused before allocating. */
class SearchBudgetTest {
    private static final int D = 8;

    private static Index refineIndex(int n) {
        Index index = IndexFactory.create(D, "IVF4,Flat,RFlat", Metric.L2);
        try (FloatMatrix xs = TestVectors.clustered(n, D, 3)) {
            index.train(xs);
            index.add(xs);
        }
        return index;
    }

    @Test
    void refineCandidatesAreClampedToNtotalButNeverBelowK() {
        assertEquals(40, SearchBudget.refineCandidates(10, 4f, 1000));
        assertEquals(1000, SearchBudget.refineCandidates(10, 2.5e6f, 1000));
        assertEquals(10, SearchBudget.refineCandidates(10, 4f, 3));
        assertEquals(Integer.MAX_VALUE - 8, SearchBudget.refineCandidates(Integer.MAX_VALUE, 4e8f, Long.MAX_VALUE));
    }

    /** The fuzzer's stored k_factor of 2.5e6 made a 3-query search take 13 s; clamped, the answer is the same at once. */
    @Test
    void aHugeKFactorGivesTheSameAnswerAsKFactorNtotalWithinSeconds() {
        try (Index index = refineIndex(500); FloatMatrix qs = TestVectors.clustered(3, D, 9)) {
            SearchParams all = SearchParams.builder().nprobe(4).kFactor(500f / 5).build();
            Neighbors expected = index.search(qs, 5, all);
            for (float huge : new float[] {2.5e6f, 4e8f, 1e30f}) {
                SearchParams p = SearchParams.builder().nprobe(4).kFactor(huge).build();
                Neighbors got = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> index.search(qs, 5, p));
                assertArrayEquals(expected.labels(), got.labels(), "k_factor " + huge);
                assertArrayEquals(expected.distances(), got.distances(), "k_factor " + huge);
            }
        }
    }

    @Test
    void theCliReproducerKOf400MillionIsRefusedNamingTheSizeAndTheFlag() {
        try (Index index = refineIndex(300)) {
            // --k 400000000 --batch 1: 4.8 GB of results; with 2 GiB of heap free, refused
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SearchBudget.check(index, 1, 400_000_000, SearchParams.DEFAULTS, "--k", 2L << 30));
            assertTrue(e.getMessage().contains("k=400000000") && e.getMessage().contains("needs about 9.0 GiB")
                    && e.getMessage().contains("2.0 GiB of Java heap free") && e.getMessage().contains("lower --k"), e.getMessage());
        }
    }

    @Test
    void theRefineStageCountsInTheEstimate() {
        try (Index index = refineIndex(300)) {
            long plain = SearchBudget.bytes(index, 1000, 10, SearchParams.builder().kFactor(1f).build());
            long refined = SearchBudget.bytes(index, 1000, 10, SearchParams.builder().kFactor(8f).build());
            assertEquals(1000L * 10 * 7 * SearchBudget.RESULT_BYTES, refined - plain);
            long clamped = SearchBudget.bytes(index, 1000, 10, SearchParams.builder().kFactor(4e8f).build());
            assertEquals(1000L * (300 - 10) * SearchBudget.RESULT_BYTES, clamped - plain);
        }
    }

    @Test
    void moreSlotsThanAJavaArrayHoldsAreRefused() {
        try (Index index = refineIndex(300)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SearchBudget.check(index, 4096, 1_000_000, SearchParams.DEFAULTS, "--batch or --k", Long.MAX_VALUE));
            assertTrue(e.getMessage().contains("more than a Java array holds"), e.getMessage());
        }
    }

    @Test
    void sizesPrintInBinaryUnits() {
        assertEquals("512 bytes", SearchBudget.size(512));
        assertEquals("4.5 GiB", SearchBudget.size(4_800_000_000L));
    }
}
