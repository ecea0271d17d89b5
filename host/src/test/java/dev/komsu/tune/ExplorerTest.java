package dev.komsu.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.SearchParams;
import dev.komsu.tune.ParameterSpace.Parameter;
import dev.komsu.tune.ParameterSpace.Range;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The explorer on synthetic measurements that follow faiss's assumption (a setting whose every
 * value is at least another's is slower and no less accurate), with random steps: its skips never
 * drop a point of the exhaustive grid's front, and they do skip.
 */
class ExplorerTest {
    private static final ParameterSpace SPACE = new ParameterSpace(List.of(
            new Range(Parameter.K_FACTOR, new double[] {1, 2, 4, 8}),
            new Range(Parameter.NPROBE, new double[] {1, 2, 4, 8, 16, 32, 64, 128})));

    /** Monotone recall and time per setting, saturating like IVF + refine. */
    private static Map<SearchParams, Explorer.Measurement> synthetic(long seed) {
        Random rnd = new Random(seed);
        int nk = 4;
        int np = 8;
        double[][] t = new double[nk][np];
        double[][] r = new double[nk][np];
        for (int i = 0; i < nk; i++) {
            for (int j = 0; j < np; j++) {
                double below = Math.max(i > 0 ? t[i - 1][j] : 0, j > 0 ? t[i][j - 1] : 0);
                t[i][j] = below + 0.001 + rnd.nextDouble() * (0.2 * j + 0.05 * i + 0.01);
                // recall rises with nprobe and saturates from nprobe 16 on (as IVF's does once the
                // lists probed hold the true neighbours); refine lifts the ceiling. Counted over
                // 1000 results, so settings past saturation tie.
                double ceiling = 0.8 + 0.05 * i;
                double raw = ceiling * Math.min(1, (j + 1) / 5.0) * (1 - rnd.nextDouble() * 0.02 * (4 - Math.min(j, 4)));
                double floor = Math.max(i > 0 ? r[i - 1][j] : 0, j > 0 ? r[i][j - 1] : 0);
                r[i][j] = Math.max(Math.floor(raw * 1000) / 1000, floor);
            }
        }
        Map<SearchParams, Explorer.Measurement> out = new HashMap<>();
        for (int c = 0; c < SPACE.combinations(); c++) {
            int[] ij = SPACE.indices(c);
            out.put(SPACE.params(c), new Explorer.Measurement(Math.min(1, r[ij[0]][ij[1]]), t[ij[0]][ij[1]]));
        }
        return out;
    }

    private static OperatingPoints explore(TuneOptions o, Map<SearchParams, Explorer.Measurement> m, List<SearchParams> skipped) {
        return Explorer.explore(SPACE, o, 1000, m::get, (p, op, skip) -> {
            if (skip) skipped.add(p);
        });
    }

    private static List<SearchParams> frontParams(OperatingPoints points) {
        return points.front().stream().map(OperatingPoint::params).toList();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void skipsSettingsButNeverAPointOfTheExhaustiveFront(long seed) {
        Map<SearchParams, Explorer.Measurement> m = synthetic(seed);
        OperatingPoints all = explore(TuneOptions.defaults(10).withExhaustive(true), m, new ArrayList<>());
        assertEquals(SPACE.combinations(), all.all().size());
        List<SearchParams> skipped = new ArrayList<>();
        OperatingPoints explored = explore(TuneOptions.defaults(10), m, skipped);
        assertEquals(frontParams(all), frontParams(explored), "seed " + seed);
        assertFalse(skipped.isEmpty(), "seed " + seed + ": nothing skipped");
        assertEquals(SPACE.combinations(), explored.all().size() + skipped.size());
        for (SearchParams s : skipped) assertFalse(frontParams(all).contains(s), s + " is on the front but was skipped");
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.5, 0.8, 0.85, 0.9})
    void aTargetRecallFindsTheGridsFastestSettingMeetingItInFewerRuns(double target) {
        for (long seed = 1; seed <= 8; seed++) {
            Map<SearchParams, Explorer.Measurement> m = synthetic(seed);
            OperatingPoints all = explore(TuneOptions.defaults(10).withExhaustive(true), m, new ArrayList<>());
            TuneOptions o = TuneOptions.defaults(10).withTargetRecall(target);
            OperatingPoints explored = explore(o, m, new ArrayList<>());
            OperatingPoint expected = all.fastestWithRecall(target).orElseThrow();
            assertEquals(expected.params(), Tuner.choice(explored, o).orElseThrow().params(), "seed " + seed);
            assertTrue(explored.all().size() < all.all().size(), "seed " + seed + ": " + explored.all().size() + " runs");
        }
    }

    @Test
    void anUnreachableTargetMeasuresWhatCouldReachItAndChoosesNothing() {
        Map<SearchParams, Explorer.Measurement> m = synthetic(3);
        TuneOptions o = TuneOptions.defaults(10).withTargetRecall(0.999);
        OperatingPoints explored = explore(o, m, new ArrayList<>());
        assertTrue(Tuner.choice(explored, o).isEmpty());
        double best = m.values().stream().mapToDouble(Explorer.Measurement::recall).max().orElseThrow();
        assertEquals(best, explored.bestRecall(), "the most accurate setting was measured");
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.1, 0.5, 0.9})
    void aMaxQpsLossFindsTheGridsMostAccurateSettingFastEnough(double loss) {
        for (long seed = 1; seed <= 8; seed++) {
            Map<SearchParams, Explorer.Measurement> m = synthetic(seed);
            OperatingPoints all = explore(TuneOptions.defaults(10).withExhaustive(true), m, new ArrayList<>());
            TuneOptions o = TuneOptions.defaults(10).withMaxQpsLoss(loss);
            OperatingPoints explored = explore(o, m, new ArrayList<>());
            assertEquals(all.mostAccurateWithin(loss).orElseThrow().params(), Tuner.choice(explored, o).orElseThrow().params(),
                    "seed " + seed);
            assertTrue(explored.all().size() < all.all().size());
        }
    }

    @Test
    void faissOrderRunsTheFastestAndSlowestFirstThenByTotalStep() {
        List<Integer> order = Explorer.order(SPACE, TuneOptions.defaults(10));
        assertEquals(List.of(0, SPACE.combinations() - 1, 1, 4), order.subList(0, 4));
        List<Integer> withTarget = Explorer.order(SPACE, TuneOptions.defaults(10).withTargetRecall(0.9));
        assertEquals(List.of(0, 1, 4, 2, 5, 8), withTarget.subList(0, 6), "from the fastest up, the slowest last");
        assertEquals(SPACE.combinations() - 1, withTarget.getLast());
    }
}
