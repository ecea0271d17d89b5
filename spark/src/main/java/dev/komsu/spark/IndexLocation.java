package dev.komsu.spark;

import java.io.Serializable;
import java.nio.file.Path;
import org.apache.spark.SparkFiles;

/**
 * Where a task finds an index file: at the path the driver saw (local mode, or a file system
 * every executor mounts at the same path), or in the executor's copy of a file the driver
 * shipped with {@code SparkContext.addFile} ({@code shippedName}: the added file or folder's
 * name; {@code relative}: the file inside a shipped folder, or empty).
 */
record IndexLocation(String path, String shippedName, String relative) implements Serializable {
    static IndexLocation shared(Path file) {
        return new IndexLocation(file.toAbsolutePath().toString(), null, null);
    }

    static IndexLocation shipped(String name, String relative) {
        return new IndexLocation(null, name, relative);
    }

    Path resolve() {
        if (shippedName == null) return Path.of(path);
        Path root = Path.of(SparkFiles.get(shippedName));
        return relative.isEmpty() ? root : root.resolve(relative);
    }
}
