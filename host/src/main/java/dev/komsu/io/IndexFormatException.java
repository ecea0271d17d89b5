package dev.komsu.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A faiss index file that is corrupt, truncated, or holds something komsu cannot load (an
 * index type, metric or transform it does not implement). The message names the file, the byte
 * offset where reading stopped, and what was expected there.
 *
 * <p>An {@link IOException} rather than a runtime exception: a bad file is a fact of the
 * outside world that every caller of {@code read} must be ready for (as with the JDK's own
 * file errors), and the CLI reports it as bad input (exit code 2).
 */
public final class IndexFormatException extends IOException {
    private final Path file;
    private final long offset;

    public IndexFormatException(Path file, long offset, String problem) {
        super(file + " at byte " + offset + ": " + problem);
        this.file = file;
        this.offset = offset;
    }

    public Path file() {
        return file;
    }

    /** Byte offset in the file where the problem was found. */
    public long offset() {
        return offset;
    }
}
