package dev.komsu.io;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the faiss-written reference files ({@code shared/interop}) beside the repository. */
final class InteropFiles {
    private InteropFiles() {
    }

    /**
     * The interop folder: the first {@code shared/interop} holding a manifest.json found walking
     * up from the working directory (Maven runs tests in {@code host/}). Skips the calling test,
     * with the reason, when there is none.
     */
    static Path dir() {
        Path start = Path.of("").toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared").resolve("interop");
            if (Files.isRegularFile(candidate.resolve("manifest.json"))) return candidate;
        }
        assumeTrue(false, "no shared/interop folder with manifest.json above " + start);
        throw new AssertionError("unreachable");
    }

    static Path file(String name) {
        Path f = dir().resolve(name);
        assumeTrue(Files.isRegularFile(f), "interop file " + f + " is missing");
        return f;
    }
}
