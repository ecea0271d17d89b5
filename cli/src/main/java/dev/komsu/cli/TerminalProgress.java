package dev.komsu.cli;

import dev.komsu.ProgressListener;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress bars on stderr, one per stage ("k-means", "add", "search"), when komsu runs on a
 * terminal ({@link Reporting} picks {@link LineProgress} otherwise). Not thread-safe: one
 * command drives it.
 */
final class TerminalProgress implements ProgressListener, AutoCloseable {
    private ProgressBar bar;
    private String stage;

    private TerminalProgress() {
    }

    /**
     * A listener that draws bars; for terminals only. Since JDK 22 {@code System.console()} is
     * non-null even when redirected, so the caller asks isTerminal().
     */
    static TerminalProgress create() {
        return new TerminalProgress();
    }

    @Override
    public void onProgress(String stage, long done, long total) {
        if (bar == null || !stage.equals(this.stage)) {
            close();
            this.stage = stage;
            bar = new ProgressBarBuilder().setTaskName(stage).setInitialMax(total)
                    .setStyle(ProgressBarStyle.ASCII).continuousUpdate().build();
        }
        bar.maxHint(total);
        bar.stepTo(done);
    }

    /** Finishes the current bar. */
    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    /** Closes {@code listener} if it draws bars. */
    static void finish(ProgressListener listener) {
        if (listener instanceof TerminalProgress t) t.close();
    }
}
