package dev.komsu.cli;

import dev.komsu.ProgressListener;
import java.io.Console;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What the long-running commands (build, search, blend) say on stderr while they work, and the
 * flags that control it (a picocli mixin): a progress bar on a terminal, a progress line every
 * {@code --progress-every} seconds otherwise (batch jobs, pipes), nothing with {@code --quiet};
 * {@code --verbose} adds each phase and its time (load, train, add, search, write). Notes that
 * change what the results mean (float64 input converted, nprobe clamped) print even with --quiet.
 */
final class Reporting {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = {"-q", "--quiet"}, description = "no progress and no timings on stderr (errors and notes still print)")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "also print each phase and its time on stderr (load, train, add, search, write)")
    boolean verbose;

    @Option(names = "--progress-every", defaultValue = "10", paramLabel = "SECONDS",
            description = "when stderr is not a terminal: one progress line (done, rate, ETA) every SECONDS per stage"
                    + " (default: ${DEFAULT-VALUE}; 0 = every update)")
    double progressEvery;

    /** Checks the flags; called first by the command. */
    void check() {
        if (quiet && verbose) throw new IllegalArgumentException("--quiet and --verbose contradict each other: pick one");
        if (!(progressEvery >= 0) || progressEvery > 1e9) {
            throw new IllegalArgumentException("--progress-every must be a number of seconds >= 0, got " + progressEvery);
        }
    }

    /** The listener for this run: bars on a terminal, lines otherwise, none when quiet; close with {@link #finish}. */
    ProgressListener progress() {
        if (quiet) return ProgressListener.NONE;
        Console console = System.console();
        if (console != null && console.isTerminal()) return TerminalProgress.create();
        return new LineProgress(command.name(), err(), (long) (progressEvery * 1e9), System::nanoTime);
    }

    /** Ends a progress bar before other lines are printed. */
    void finish(ProgressListener progress) {
        TerminalProgress.finish(progress);
    }

    /** Under --verbose: "komsu search: load 0.012 s". */
    void phase(String phase, long startNanos) {
        if (verbose) timing(phase, startNanos);
    }

    /** Unless --quiet: a timing line that the command always prints (build's train and add). */
    void timing(String what, long startNanos) {
        if (!quiet) err().println(String.format(Locale.ROOT, "komsu %s: %s %.3f s", command.name(), what, (System.nanoTime() - startNanos) / 1e9));
    }

    /** A note that changes how to read the results; printed even with --quiet. */
    void note(String message) {
        err().println("komsu " + command.name() + ": note: " + message);
    }

    PrintWriter err() {
        return command.commandLine().getErr();
    }
}
