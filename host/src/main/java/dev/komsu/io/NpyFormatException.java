package dev.komsu.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A {@code .npy} file that komsu cannot read: corrupt or truncated, or a valid NumPy array of a
 * kind komsu does not take (Fortran order, big-endian, object or structured dtype, an
 * unsupported dtype or dimensionality). The message names the file and the problem.
 *
 * <p>An {@link IOException}, like the JDK's own errors for unreadable files: callers that read
 * user files must handle it, and the CLI maps it to "bad input" (exit code 2).
 */
public final class NpyFormatException extends IOException {
    private final Path file;

    public NpyFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /** The offending file. */
    public Path file() {
        return file;
    }
}
