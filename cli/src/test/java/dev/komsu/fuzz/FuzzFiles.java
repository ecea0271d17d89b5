package dev.komsu.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The one scratch file a reader fuzz target rewrites with every input, deleted when the JVM exits. */
final class FuzzFiles {
    private FuzzFiles() {
    }

    static Path scratch(String suffix) {
        try {
            Path file = Files.createTempFile("komsu-fuzz-", suffix);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the fuzz target's scratch file", e);
        }
    }
}
