package dev.komsu.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.bench.harness.MatchedRecall.Point;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class MatchedRecallTest {
    private static final List<Point> CURVE = List.of(new Point(0.5, 1000), new Point(0.9, 100), new Point(0.99, 10));

    @Test
    void interpolatesLogQpsLinearlyInRecall() {
        // halfway between 0.5 (1000 QPS) and 0.9 (100 QPS): the geometric mean, sqrt(1000 * 100)
        assertEquals(Math.sqrt(1000 * 100), MatchedRecall.qpsAt(CURVE, 0.7).getAsDouble(), 1e-9);
        // a quarter of the way from 0.9 to 0.99: 100 * (10/100)^0.25
        assertEquals(100 * Math.pow(0.1, 0.25), MatchedRecall.qpsAt(CURVE, 0.9225).getAsDouble(), 1e-9);
    }

    @Test
    void returnsTheMeasuredQpsAtAMeasuredRecall() {
        assertEquals(100, MatchedRecall.qpsAt(CURVE, 0.9).getAsDouble(), 1e-9);
        assertEquals(1000, MatchedRecall.qpsAt(CURVE, 0.5).getAsDouble(), 1e-9);
    }

    @Test
    void ratioIsQpsOverTheCurvesQpsAtTheSameRecall() {
        OptionalDouble r = MatchedRecall.ratio(632.4555320336759, 0.7, CURVE);
        assertEquals(2.0, r.getAsDouble(), 1e-9);
    }

    @Test
    void noAnswerOutsideTheCurveBeyondTheTolerance() {
        assertFalse(MatchedRecall.qpsAt(CURVE, 0.4).isPresent());
        assertFalse(MatchedRecall.qpsAt(CURVE, 0.999).isPresent());
        assertFalse(MatchedRecall.qpsAt(List.of(), 0.5).isPresent());
    }

    @Test
    void usesTheEndPointWithinTheTolerance() {
        assertEquals(10, MatchedRecall.qpsAt(CURVE, 0.99 + MatchedRecall.ENDPOINT_TOLERANCE / 2).getAsDouble(), 1e-9);
        assertEquals(1000, MatchedRecall.qpsAt(CURVE, 0.5 - MatchedRecall.ENDPOINT_TOLERANCE / 2).getAsDouble(), 1e-9);
    }

    @Test
    void dominatedPointsAreLeftOutOfTheCurve() {
        // (0.8, 50) is beaten by (0.9, 100) on both axes; (0.9, 80) by (0.9, 100)
        List<Point> noisy = List.of(new Point(0.9, 80), new Point(0.5, 1000), new Point(0.8, 50), new Point(0.9, 100));
        List<Point> frontier = MatchedRecall.paretoFrontier(noisy);
        assertEquals(List.of(new Point(0.5, 1000), new Point(0.9, 100)), frontier);
        assertEquals(Math.sqrt(1000 * 100), MatchedRecall.qpsAt(noisy, 0.7).getAsDouble(), 1e-9);
    }

    @Test
    void methodTextSaysHowRatiosAreMade() {
        assertTrue(MatchedRecall.METHOD.contains("log-QPS interpolated linearly in recall"));
    }
}
