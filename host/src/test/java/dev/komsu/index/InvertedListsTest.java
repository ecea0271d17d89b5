package dev.komsu.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The one list store, in each code layout: growth, compaction, views and the direct map behave alike. */
class InvertedListsTest {
    static Stream<CodeLayout> layouts() {
        // flat codes, and FastScan blocks of odd M (a padding sub-quantiser) and even M
        return Stream.of(CodeLayout.flat(12), CodeLayout.blocks(7), CodeLayout.blocks(16));
    }

    /** Random flat codes; for blocks, the unused high nibble of an odd M's last byte is 0, as faiss's codes have it. */
    private static byte[] randomCodes(CodeLayout layout, int n, long seed) {
        byte[] codes = new byte[n * layout.codeSize()];
        new SplittableRandom(seed).nextBytes(codes);
        if (layout instanceof CodeLayout.Blocks b && b.m() % 2 == 1) {
            for (int i = 0; i < n; i++) codes[(i + 1) * layout.codeSize() - 1] &= 0x0f;
        }
        return codes;
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void entriesSurviveGrowthAndCompactionInEveryLayout(CodeLayout layout) {
        int n = 5000;
        int nlist = 7;
        byte[] codes = randomCodes(layout, n, 1);
        MemorySegment flat = MemorySegment.ofArray(codes);
        int[] listOf = new int[n];
        SplittableRandom r = new SplittableRandom(2);
        try (InvertedLists compacting = new InvertedLists(nlist, layout); InvertedLists plain = new InvertedLists(nlist, layout)) {
            compacting.minWasteToCompact = 0; // compact as soon as outgrown regions exceed the live ones
            plain.minWasteToCompact = Long.MAX_VALUE;
            for (int i = 0; i < n; i++) {
                listOf[i] = r.nextInt(nlist);
                compacting.append(listOf[i], 1000L + i, flat, (long) i * layout.codeSize());
                plain.append(listOf[i], 1000L + i, flat, (long) i * layout.codeSize());
            }
            assertTrue(compacting.compactions() > 0, "the store compacted");
            assertEquals(0, plain.compactions());
            assertEquals(n, compacting.totalSize());
            long[] seen = new long[nlist];
            for (int i = 0; i < n; i++) {
                int l = listOf[i];
                long j = seen[l]++;
                assertEquals(1000L + i, compacting.id(l, j));
                assertArrayEquals(java.util.Arrays.copyOfRange(codes, i * layout.codeSize(), (i + 1) * layout.codeSize()),
                        compacting.code(l, j).toArray(ValueLayout.JAVA_BYTE), "entry " + i);
            }
            for (int l = 0; l < nlist; l++) {
                assertEquals(layout.bytes(compacting.size(l)), compacting.codes(l).byteSize());
                // the same bytes, block padding included, whether or not the store compacted
                assertEquals(-1, compacting.codes(l).mismatch(plain.codes(l)), "list " + l);
                assertEquals(-1, compacting.ids(l).mismatch(plain.ids(l)), "list " + l);
            }
            long live = 0;
            for (int l = 0; l < nlist; l++) live += layout.bytes(compacting.size(l)) + compacting.size(l) * Long.BYTES;
            assertEquals(live, compacting.memoryBytes());
        }
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void reservedRoomTakesTheAppendsWithoutMovingAList(CodeLayout layout) {
        int n = 3000;
        int nlist = 5;
        byte[] codes = randomCodes(layout, n, 4);
        MemorySegment flat = MemorySegment.ofArray(codes);
        int[] listOf = new SplittableRandom(5).ints(n, 0, nlist).toArray();
        try (InvertedLists reserved = new InvertedLists(nlist, layout); InvertedLists grown = new InvertedLists(nlist, layout)) {
            reserved.append(1, 7, flat, 0); // not empty: the room comes on top of what is there
            grown.append(1, 7, flat, 0);
            long[] counts = new long[nlist];
            for (int l : listOf) counts[l]++;
            reserved.reserve(counts);
            long[] at = new long[nlist];
            for (int l = 0; l < nlist; l++) at[l] = reserved.codes(l).address();
            for (int i = 0; i < n; i++) {
                reserved.append(listOf[i], i, flat, (long) i * layout.codeSize());
                grown.append(listOf[i], i, flat, (long) i * layout.codeSize());
            }
            for (int l = 0; l < nlist; l++) {
                assertEquals(at[l], reserved.codes(l).address(), "list " + l + " moved after its room was reserved");
                assertEquals(-1, reserved.codes(l).mismatch(grown.codes(l)), "list " + l);
                assertEquals(-1, reserved.ids(l).mismatch(grown.ids(l)), "list " + l);
            }
            assertThrows(IllegalArgumentException.class, () -> reserved.reserve(new long[nlist + 1]));
        }
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void directMapFindsEveryEntryAndFollowsAppends(CodeLayout layout) {
        byte[] codes = randomCodes(layout, 100, 3);
        MemorySegment flat = MemorySegment.ofArray(codes);
        try (InvertedLists lists = new InvertedLists(3, layout)) {
            for (int i = 0; i < 60; i++) lists.append(i % 3, 10L * i, flat, (long) i * layout.codeSize());
            assertEquals(DirectMap.pack(2, 3), lists.locate(10L * 11)); // built here, in one pass
            assertEquals(DirectMap.ABSENT, lists.locate(5));
            for (int i = 60; i < 100; i++) lists.append(i % 3, 10L * i, flat, (long) i * layout.codeSize());
            assertEquals(DirectMap.pack(0, 33), lists.locate(10L * 99)); // kept up to date by append
            lists.append(1, 10L * 11, flat, 0); // the same id again: the later entry wins, as faiss's
            assertEquals(DirectMap.pack(1, 33), lists.locate(10L * 11));
        }
    }

    @Test
    void viewsAreOfferedOnlyForTheirLayout() {
        try (InvertedLists flat = new InvertedLists(2, CodeLayout.flat(16)); InvertedLists blocks = new InvertedLists(2, CodeLayout.blocks(8))) {
            assertEquals(16, flat.codeLists().codeSize());
            assertEquals(4, flat.vectorLists(4).dim());
            assertEquals(8, blocks.blockCodeLists().m2());
            assertThrows(IllegalStateException.class, flat::blockCodeLists);
            assertThrows(IllegalStateException.class, () -> flat.vectorLists(5));
            assertThrows(IllegalStateException.class, blocks::codeLists);
            assertThrows(IllegalStateException.class, () -> blocks.vectorLists(1));
        }
    }

    @Test
    void viewsOfExternalMemoryAreCheckedAndCopiedOnAppend() {
        CodeLayout layout = CodeLayout.blocks(8); // 33 entries: 2 blocks of 128 bytes
        MemorySegment codes = MemorySegment.ofArray(new byte[256]);
        MemorySegment ids = MemorySegment.ofArray(new long[33]);
        assertThrows(IllegalArgumentException.class, () -> InvertedLists.ofViews(layout, new MemorySegment[] {codes.asSlice(0, 200)},
                new MemorySegment[] {ids}, new long[] {33}, null));
        try (InvertedLists lists = InvertedLists.ofViews(layout, new MemorySegment[] {codes}, new MemorySegment[] {ids},
                new long[] {33}, null)) {
            lists.append(0, 7, MemorySegment.ofArray(new byte[] {1, 2, 3, 4}), 0);
            assertEquals(34, lists.size(0));
            assertEquals(7, lists.id(0, 33));
            assertEquals(0, codes.get(ValueLayout.JAVA_BYTE, 129), "the external memory is not written");
            assertArrayEquals(new byte[] {1, 2, 3, 4}, lists.code(0, 33).toArray(ValueLayout.JAVA_BYTE));
        }
    }
}
