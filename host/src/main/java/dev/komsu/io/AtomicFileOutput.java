package dev.komsu.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file atomically: the bytes go to a temporary file in the target's folder, and
 * {@link #commit} moves it over the target in one step. Closing without commit (an exception,
 * an abort) deletes the temporary file, so a failed write never leaves a half-written target
 * and never touches an existing one. A JVM stopped by SIGTERM or SIGINT while the file is open
 * deletes it too ({@link InterruptCleanup}).
 */
public final class AtomicFileOutput implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private boolean done;

    private AtomicFileOutput(Path target, Path temp, FileChannel channel) {
        this.target = target;
        this.temp = temp;
        this.channel = channel;
    }

    /** Starts writing {@code target}; its folder must exist. */
    public static AtomicFileOutput create(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException("cannot write " + target + ": folder " + dir + " does not exist");
        }
        if (Files.isDirectory(abs)) throw new IOException("cannot write " + target + ": it is a folder");
        // Not Files.createTempFile: it makes the file private (0600); this keeps the usual umask.
        for (int attempt = 0; ; attempt++) {
            Path temp = dir.resolve("." + abs.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                InterruptCleanup.register(temp);
                return new AtomicFileOutput(abs, temp, ch);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt > 10) throw e;
            }
        }
    }

    /** The temporary file's channel; write at its position or at explicit positions. */
    public FileChannel channel() {
        return channel;
    }

    /** Writes all of {@code buf} at the channel's position. */
    public void write(ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) channel.write(buf);
    }

    /** Flushes to disk and moves the finished file over the target. */
    public void commit() throws IOException {
        if (done) throw new IllegalStateException(target + " was already committed or aborted");
        try {
            channel.force(false);
            channel.close();
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                // Same folder, so this only happens on exotic file systems; still never half-written.
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
            InterruptCleanup.release(temp);
        } finally {
            if (!done) abort();
        }
    }

    /** Deletes the temporary file unless committed. Idempotent. */
    @Override
    public void close() {
        if (!done) abort();
    }

    private void abort() {
        done = true;
        try {
            channel.close();
            Files.deleteIfExists(temp);
            InterruptCleanup.release(temp);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the temporary file " + temp, e);
        }
    }
}
