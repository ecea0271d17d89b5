package dev.komsu.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.SearchParams;
import java.util.List;
import org.junit.jupiter.api.Test;

class OperatingPointsTest {
    private static OperatingPoint point(int nprobe, double recall, double seconds) {
        return new OperatingPoint(SearchParams.builder().nprobe(nprobe).build(), nprobe, recall, seconds, 100);
    }

    @Test
    void theFrontKeepsWhatNoOtherPointBeatsAsFaissDoes() {
        OperatingPoints p = new OperatingPoints(8);
        assertTrue(p.add(point(1, 0.5, 1.0)));
        assertTrue(p.add(point(4, 0.9, 3.0)));
        assertFalse(p.add(point(3, 0.7, 3.5)), "slower than a more accurate point");
        assertTrue(p.add(point(2, 0.8, 2.0)));
        assertTrue(p.add(point(5, 0.9, 2.5)), "equal recall, faster: replaces it");
        assertFalse(p.add(point(6, 0, 0.1)), "recall 0 is never better than doing nothing");
        assertTrue(p.add(point(7, 0.6, 0.5)), "faster and more accurate than nprobe 1, which leaves");
        assertEquals(List.of(7, 2, 5), p.front().stream().map(OperatingPoint::cno).toList());
        assertEquals(7, p.all().size());
        assertEquals(2.0, p.secondsFor(0.7));
        assertEquals(2.5, p.secondsFor(0.9));
        assertEquals(1e50, p.secondsFor(0.95));
        assertEquals(0.9, p.bestRecall());
        assertEquals(5, p.fastestWithRecall(0.85).orElseThrow().cno());
        assertTrue(p.fastestWithRecall(0.95).isEmpty());
        // best QPS 100/0.1 (the recall-0 point counts as measured): 80% loss allows 0.5 s
        assertEquals(7, p.mostAccurateWithin(0.8).orElseThrow().cno());
        assertEquals(200, p.front().getFirst().qps());
    }
}
