package dev.komsu.cli;

import dev.komsu.index.SearchBudget;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystemException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every komsu command shares: its exit-code contract. Bad input (an
 * {@link IllegalArgumentException} from any check, a missing or unreadable file, a malformed
 * .npy or index file) prints one line on stderr and exits 2; anything else is an internal
 * failure, printed as one line with a hint to rerun with {@code --debug}, which adds the stack
 * trace, exit 1. Running out of memory is the request's size, not a bug: exit 2 with what helps
 * (the commands refuse requests they can tell are too large before allocating; this is the net
 * for what an estimate misses). Commands write outputs only atomically and only at the end, so
 * an exit 2 leaves nothing behind.
 */
abstract class CliCommand implements Callable<Integer> {
    static final int OK = 0;
    static final int INTERNAL_FAILURE = 1;
    static final int BAD_INPUT = 2;

    @Spec
    CommandSpec spec;

    @Option(names = "--debug", description = "print the stack trace of an internal failure")
    boolean debug;

    /** The command's work; throws to report failure. */
    abstract void execute() throws Exception;

    @Override
    public final Integer call() {
        try {
            execute();
            return OK;
        } catch (IllegalArgumentException e) {
            return badInput(e.getMessage() != null ? e.getMessage() : e.toString());
        } catch (FileSystemException e) {
            return badInput(InputErrors.describe(e));
        } catch (IOException e) {
            if (InputErrors.isFormatError(e)) return badInput(e.getMessage());
            return internalFailure(e);
        } catch (Exception e) {
            return internalFailure(e);
        } catch (OutOfMemoryError e) {
            return badInput("out of memory (" + e.getMessage() + ", Java heap max "
                    + SearchBudget.size(Runtime.getRuntime().maxMemory()) + "): ask for less at once (a smaller --batch or --k)"
                    + " or give the JVM more memory (JAVA_TOOL_OPTIONS=-Xmx...)");
        }
    }

    private int badInput(String message) {
        err().println("komsu " + spec.name() + ": " + message);
        return BAD_INPUT;
    }

    private int internalFailure(Exception e) {
        if (debug) {
            err().println("komsu " + spec.name() + ": internal failure: " + e);
            e.printStackTrace(err());
        } else {
            err().println("komsu " + spec.name() + ": internal failure: " + e + " (rerun with --debug for the stack trace)");
        }
        return INTERNAL_FAILURE;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
