package dev.komsu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.io.IndexFormatException;
import dev.komsu.io.NpyFormatException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The exit-code contract shared by every command: 2 for bad input, 1 for internal failures. */
class CliCommandTest {
    @Command(name = "failing")
    static final class Failing extends CliCommand {
        private final Throwable failure;

        Failing(Throwable failure) {
            this.failure = failure;
        }

        @Override
        void execute() throws Exception {
            if (failure instanceof Error e) throw e;
            throw (Exception) failure;
        }
    }

    private static CliRun run(Throwable failure, String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Failing(failure));
        cli.setErr(new PrintWriter(err, true));
        return new CliRun(cli.execute(args), "", err.toString());
    }

    @Test
    void badInputExitsWith2AndOneLine() {
        Path f = Path.of("x.npy");
        for (Exception e : new Exception[] {new IllegalArgumentException("k must be > 0, got 0"),
                new NoSuchFileException("x.npy"), new NpyFormatException(f, "is truncated"),
                new IndexFormatException(f, 12, "expected fourcc")}) {
            CliRun r = run(e);
            assertEquals(2, r.exitCode(), r::toString);
            assertTrue(r.err().startsWith("komsu failing: ") && r.err().strip().lines().count() == 1, r::toString);
        }
        assertTrue(run(new NoSuchFileException("x.npy")).err().contains("no such file or folder: x.npy"));
    }

    @Test
    void internalFailuresExitWith1AndOneLineWithADebugHint() {
        for (Exception e : new Exception[] {new IllegalStateException("bug"), new IOException("disk full"),
                new NullPointerException()}) {
            CliRun r = run(e);
            assertEquals(1, r.exitCode(), r::toString);
            assertTrue(r.err().contains("internal failure") && r.err().contains("rerun with --debug"), r::toString);
            assertEquals(1, r.err().strip().lines().count(), r::toString);
        }
    }

    @Test
    void debugPrintsTheStackTraceOfAnInternalFailure() {
        CliRun r = run(new IllegalStateException("bug"), "--debug");
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.err().contains("internal failure") && r.err().contains("\tat "), r::toString);
    }

    @Test
    void runningOutOfMemoryExitsWith2AndOneLineNamingWhatHelps() {
        CliRun r = run(new OutOfMemoryError("Java heap space"));
        assertEquals(2, r.exitCode(), r::toString);
        assertEquals(1, r.err().strip().lines().count(), r::toString);
        assertTrue(r.err().contains("out of memory (Java heap space") && r.err().contains("--batch")
                && r.err().contains("-Xmx"), r::toString);
    }
}
