package dev.komsu.bench.harness;

import dev.komsu.io.AtomicFileOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whole-file writes of the harness's outputs, all or nothing (through komsu's {@link AtomicFileOutput}). */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes {@code content} to {@code target}, creating its folder if needed. */
    public static void write(Path target, byte[] content) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        try (AtomicFileOutput out = AtomicFileOutput.create(target)) {
            out.write(ByteBuffer.wrap(content));
            out.commit();
        }
    }

    public static void writeString(Path target, String content) throws IOException {
        write(target, content.getBytes(StandardCharsets.UTF_8));
    }
}
