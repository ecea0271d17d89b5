package dev.komsu.cli;

import dev.komsu.ProgressListener;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress for logs: when stderr is not a terminal (a batch job, a pipe), one line per stage
 * every {@code intervalNanos} at most, with the units done, the rate and the time left, so a
 * long job shows it is alive without flooding its log. Thread-safe: a stage may report from
 * several threads.
 */
final class LineProgress implements ProgressListener {
    private final String command;
    private final PrintWriter err;
    private final long intervalNanos;
    private final Clock clock;
    private String stage;
    private long stageStart;
    private long lastLine;

    /** The time source, so that tests need not sleep. */
    interface Clock {
        long nanoTime();
    }

    LineProgress(String command, PrintWriter err, long intervalNanos, Clock clock) {
        this.command = command;
        this.err = err;
        this.intervalNanos = intervalNanos;
        this.clock = clock;
    }

    @Override
    public synchronized void onProgress(String stage, long done, long total) {
        long now = clock.nanoTime();
        if (!stage.equals(this.stage)) {
            this.stage = stage;
            stageStart = now;
            lastLine = now;
        }
        if (now - lastLine < intervalNanos) return;
        lastLine = now;
        err.println(line(command, stage, done, total, now - stageStart));
        err.flush();
    }

    /** "komsu search: search 4096/100000 (4.1%), 2048/s, ETA 47 s". */
    static String line(String command, String stage, long done, long total, long elapsedNanos) {
        double seconds = elapsedNanos / 1e9;
        StringBuilder s = new StringBuilder("komsu ").append(command).append(": ").append(stage).append(' ')
                .append(done).append('/').append(total);
        if (total > 0) s.append(String.format(Locale.ROOT, " (%.1f%%)", 100.0 * done / total));
        if (seconds > 0 && done > 0) {
            double rate = done / seconds;
            s.append(String.format(Locale.ROOT, ", %.0f/s", rate));
            if (total >= done) s.append(", ETA ").append(duration((total - done) / rate));
        }
        return s.toString();
    }

    /** Seconds as "47 s", "12 min 5 s" or "3 h 4 min". */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) return s + " s";
        if (s < 3600) return s / 60 + " min " + s % 60 + " s";
        return s / 3600 + " h " + s % 3600 / 60 + " min";
    }
}
