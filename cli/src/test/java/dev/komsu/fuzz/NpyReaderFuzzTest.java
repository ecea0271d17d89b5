package dev.komsu.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.komsu.io.Npy;
import dev.komsu.io.NpyFormatException;
import dev.komsu.kernels.FloatMatrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Any bytes given to the .npy reader, through each entry point (a float matrix, float, int64
 * and int32 arrays): a clean refusal ({@link NpyFormatException}) or a result whose size agrees
 * with the file. Anything else is a bug. Seeds: every dtype and header version komsu reads and a
 * few it refuses ({@code NpyReaderFuzzTestInputs/}, made by {@code scripts/fuzz-seeds}).
 */
class NpyReaderFuzzTest {
    private static final Path FILE = FuzzFiles.scratch(".npy");

    @FuzzTest(maxDuration = "24h") // fuzzing mode only; scripts/fuzz stops it after N minutes
    void anyBytesReadOrAreRefused(byte[] bytes) throws IOException {
        Files.write(FILE, bytes);
        try (FloatMatrix m = Npy.readMatrix(FILE)) {
            if (m.rows() * m.cols() * 2 > bytes.length) {
                throw new AssertionError(m.rows() + " x " + m.cols() + " floats from a " + bytes.length + "-byte file");
            }
            if (m.rows() > 0) m.get(m.rows() - 1, m.cols() - 1); // the last element is readable
        } catch (NpyFormatException e) {
            // a clean refusal
        }
        try {
            if (Npy.readFloats(FILE).length * 2L > bytes.length) throw new AssertionError("more floats than bytes");
        } catch (NpyFormatException e) {
            // a clean refusal
        }
        try {
            if (Npy.readLongs(FILE).length * 4L > bytes.length) throw new AssertionError("more longs than bytes");
        } catch (NpyFormatException e) {
            // a clean refusal
        }
        try {
            if (Npy.readInts(FILE).length * 4L > bytes.length) throw new AssertionError("more ints than bytes");
        } catch (NpyFormatException e) {
            // a clean refusal
        }
    }
}
