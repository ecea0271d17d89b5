package dev.komsu.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DirectMapTest {
    @Test
    void packsListAndOffsetAsFaissDoes() {
        long packed = DirectMap.pack(7, 0xffff_ffffL);
        assertEquals(7L << 32 | 0xffff_ffffL, packed);
        assertEquals(7, DirectMap.list(packed));
        assertEquals(0xffff_ffffL, DirectMap.offset(packed));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DirectMap.pack(1, 1L << 32));
        assertTrue(e.getMessage().contains(Long.toString(1L << 32)), e.getMessage());
    }

    @Test
    void findsDenseIdsPutInListOrder() {
        DirectMap map = new DirectMap(1000);
        // List order, not id order: the largest id comes first and must still land in the array.
        for (int i = 999; i >= 0; i--) map.put(i, i % 13, i / 13);
        for (int i = 0; i < 1000; i++) {
            assertEquals(DirectMap.pack(i % 13, i / 13), map.get(i), "id " + i);
        }
        assertEquals(DirectMap.ABSENT, map.get(1000));
        assertEquals(DirectMap.ABSENT, map.get(-1));
    }

    @Test
    void findsSparseNegativeAndHugeIds() {
        DirectMap map = new DirectMap(3);
        map.put(-5, 0, 0);
        map.put(5_000_000_000L, 1, 2);
        map.put(2, 3, 4);
        assertEquals(DirectMap.pack(0, 0), map.get(-5));
        assertEquals(DirectMap.pack(1, 2), map.get(5_000_000_000L));
        assertEquals(DirectMap.pack(3, 4), map.get(2));
        assertEquals(DirectMap.ABSENT, map.get(4_999_999_999L));
    }

    @Test
    void aLaterPutOfTheSameIdWinsWhereverTheFirstLanded() {
        DirectMap map = new DirectMap(0);
        map.put(5000, 1, 1); // beyond the dense range of an empty map: sparse
        for (int i = 0; i < 3000; i++) map.put(i, 0, i); // the dense range now reaches 5000
        map.put(5000, 2, 9);
        assertEquals(DirectMap.pack(2, 9), map.get(5000));
        map.put(7, 4, 4);
        assertEquals(DirectMap.pack(4, 4), map.get(7));
    }
}
