package dev.komsu.bench.harness;

import dev.komsu.Index;
import dev.komsu.io.FaissIndexes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An index's size as faiss's file format stores it: the same measure as compare_faiss.py's
 * {@code faiss.serialize_index(index).size} and FAISS_REFERENCE.md's "mem MB", so the columns
 * compare. komsu writes the index to a scratch file, measures it and deletes it.
 */
public final class SerializedSize {
    private final Path scratchDir;

    public SerializedSize(Path scratchDir) {
        this.scratchDir = scratchDir;
    }

    /** Bytes of {@code index} in faiss's format, or -1 for a type komsu cannot write in it. */
    public long bytes(Index index) {
        try {
            Files.createDirectories(scratchDir);
            Path file = Files.createTempFile(scratchDir, "size-", ".index");
            try {
                FaissIndexes.write(index, file);
                return Files.size(file);
            } catch (IllegalArgumentException e) {
                KomsuRunner.log("index size unknown: %s", e.getMessage());
                return -1;
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("measuring the index size in " + scratchDir, e);
        }
    }
}
