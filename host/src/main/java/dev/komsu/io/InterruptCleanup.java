package dev.komsu.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Files to delete if the JVM is stopped before they are finished: the temporary files of
 * {@link AtomicFileOutput} and outputs a command has committed but whose partner is not yet
 * (komsu search's D.npy until I.npy is in place). A SIGTERM or SIGINT runs JVM shutdown hooks,
 * not finally blocks, so without this an interrupted run leaves {@code .x.npy.<hex>.tmp} litter;
 * SIGKILL runs nothing and is beyond any process's reach.
 */
public final class InterruptCleanup {
    private static final Set<Path> PENDING = ConcurrentHashMap.newKeySet();
    private static final Thread HOOK = new Thread(InterruptCleanup::deleteAll, "komsu-interrupt-cleanup");

    static {
        try {
            Runtime.getRuntime().addShutdownHook(HOOK);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: nothing new will be written
        }
    }

    private InterruptCleanup() {
    }

    /** Deletes {@code file} if the JVM stops before {@link #release} is called for it. */
    public static void register(Path file) {
        PENDING.add(file.toAbsolutePath());
    }

    /** {@code file} is finished (committed or deleted): keep it whatever happens next. */
    public static void release(Path file) {
        PENDING.remove(file.toAbsolutePath());
    }

    private static void deleteAll() {
        for (Path p : PENDING) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                System.err.println("komsu: could not delete " + p + " on exit: " + e.getMessage());
            }
        }
    }
}
