package dev.komsu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class LineProgressTest {
    @Test
    void printsOneLinePerIntervalWithRateAndTimeLeft() {
        long[] now = {0};
        StringWriter text = new StringWriter();
        LineProgress p = new LineProgress("search", new PrintWriter(text), 10_000_000_000L, () -> now[0]);
        p.onProgress("search", 100, 1000); // the stage starts: no line yet
        now[0] = 5_000_000_000L;
        p.onProgress("search", 300, 1000); // 5 s later: under the interval
        now[0] = 10_000_000_000L;
        p.onProgress("search", 500, 1000); // 10 s: a line, 50/s, 500 left = 10 s
        now[0] = 12_000_000_000L;
        p.onProgress("search", 600, 1000);
        assertEquals("komsu search: search 500/1000 (50.0%), 50/s, ETA 10 s\n", text.toString());
    }

    @Test
    void aNewStageStartsItsOwnClock() {
        long[] now = {0};
        StringWriter text = new StringWriter();
        LineProgress p = new LineProgress("build", new PrintWriter(text), 0, () -> now[0]);
        now[0] = 2_000_000_000L;
        p.onProgress("k-means", 1, 25);
        now[0] = 4_000_000_000L;
        p.onProgress("add", 8192, 20000);
        assertEquals("komsu build: k-means 1/25 (4.0%)\nkomsu build: add 8192/20000 (41.0%)\n", text.toString());
    }

    @Test
    void durationsReadAsMinutesAndHours() {
        assertEquals("59 s", LineProgress.duration(59.2));
        assertEquals("12 min 5 s", LineProgress.duration(725));
        assertEquals("3 h 4 min", LineProgress.duration(3 * 3600 + 4 * 60 + 30));
    }
}
