package dev.komsu.cli;

import dev.komsu.io.Npy;
import dev.komsu.io.NpyDtype;
import dev.komsu.io.NpyFolder;
import dev.komsu.kernels.FloatMatrix;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the float matrices the commands take (queries, build input, blend features). float64
 * files are accepted and rounded to float32, as faiss's Python converts its inputs, with one
 * note on stderr so that nobody is surprised that the precision dropped.
 */
final class NpyInputs {
    private NpyInputs() {
    }

    /** The matrix of a .npy file, or of a folder of them (concatenated in file-name order); the caller closes it. */
    static FloatMatrix read(String command, String option, Path input, PrintWriter err) throws IOException {
        List<Path> files = Files.isDirectory(input) ? NpyFolder.files(input) : List.of(input);
        long wide = 0;
        for (Path f : files) {
            if (Npy.readHeader(f).dtype() == NpyDtype.FLOAT64) wide++;
        }
        if (wide > 0) {
            String what = Files.isDirectory(input) ? wide + " of " + files.size() + " files hold" : "holds";
            err.println("komsu " + command + ": note: " + option + " " + input + " " + what
                    + " float64 values, converted to float32 (as faiss's Python does)");
        }
        return Files.isDirectory(input) ? NpyFolder.read(input) : Npy.readMatrix(input);
    }
}
