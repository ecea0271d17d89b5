package dev.komsu.io;

import dev.komsu.kernels.FloatMatrix;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A folder of {@code .npy} feature files read as one matrix, the way RVC's train-index step
 * builds {@code big_npy}: every {@code *.npy} file in the folder (not sub-folders), sorted by
 * file name, rows concatenated. All files must be float32, float16 or float64 matrices of equal width.
 */
public final class NpyFolder {
    private NpyFolder() {
    }

    /** The {@code *.npy} regular files of {@code dir}, sorted by file name (RVC: sorted(os.listdir)). */
    public static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new NotDirectoryException(dir + " (expected a folder of .npy files)");
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".npy") && Files.isRegularFile(p))
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                    .toList();
        }
    }

    /**
     * The rows of all files in {@link #files} order, in memory of their own (the caller closes
     * the matrix). Fails naming the file when a file is unreadable, not a float matrix, or of
     * another width than the first; an empty folder is an error.
     */
    public static FloatMatrix read(Path dir) throws IOException {
        List<Path> files = files(dir);
        if (files.isEmpty()) throw new NpyFormatException(dir, "the folder holds no .npy files");
        long rows = 0;
        int cols = -1;
        Path first = null;
        for (Path f : files) {
            long[] rc = Npy.matrixShape(f, Npy.readHeader(f));
            if (cols < 0) {
                cols = (int) rc[1];
                first = f;
            } else if (rc[1] != cols) {
                throw new NpyFormatException(f, "has rows of " + rc[1] + " values, but " + first.getFileName()
                        + " (first in name order) has " + cols + ": all files of the folder must have the same width");
            }
            rows = Math.addExact(rows, rc[0]);
        }
        FloatMatrix out = FloatMatrix.allocate(rows, cols);
        try {
            long at = 0;
            for (Path f : files) {
                try (FloatMatrix m = Npy.readMatrix(f)) {
                    MemorySegment.copy(m.segment(), 0, out.segment(), out.rowOffset(at), m.segment().byteSize());
                    at += m.rows();
                }
            }
            return out;
        } catch (IOException | RuntimeException e) {
            out.close();
            throw e;
        }
    }
}
