package dev.komsu.cli;

import dev.komsu.Index;
import dev.komsu.index.InputChecks;
import dev.komsu.io.FaissIndexes;
import dev.komsu.io.LoadedIndex;
import dev.komsu.io.Npy;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.FloatMatrix;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code komsu add}: adds vectors to a trained index file (faiss's {@code add}, or
 * {@code add_with_ids} with {@code --ids}) and writes it atomically to {@code --output}.
 */
@Command(name = "add", mixinStandardHelpOptions = true,
        description = {"Add vectors to a trained index and write it to --output (the --index file is untouched unless"
                + " --output names it).",
                "Without --ids the vectors get ids ntotal..ntotal+n-1; --ids gives them ids (IVF and IDMap indexes, as faiss)."})
final class AddCommand extends CliCommand {
    @Option(names = "--index", required = true, paramLabel = "F.index", description = "faiss-format index file")
    Path indexFile;

    @Option(names = "--input", required = true, paramLabel = "X.npy", description = "float32/float16/float64 .npy matrix of vectors to add (float64 is rounded to float32)")
    Path input;

    @Option(names = "--ids", paramLabel = "ids.npy", description = "int64 (or int32) .npy, one id per row of --input")
    Path ids;

    @Option(names = "--output", required = true, paramLabel = "F2.index",
            description = "index file to write (written atomically; may be --index itself)")
    Path output;

    @Override
    void execute() throws Exception {
        InputErrors.checkInputFile("--index", indexFile);
        InputErrors.checkInputFile("--input", input);
        if (ids != null) {
            InputErrors.checkInputFile("--ids", ids);
            InputErrors.checkDistinct("--ids", ids, "--output", output);
        }
        InputErrors.checkOutputFile("--output", output);
        InputErrors.checkDistinct("--input", input, "--output", output);
        long[] given = ids == null ? null : Npy.readLongs(ids);
        try (LoadedIndex loaded = FaissIndexes.load(indexFile, Backends.defaultCpu());
             FloatMatrix xs = NpyInputs.read("add", "--input", input, err())) {
            Index index = loaded.index();
            InputChecks.checkVectors("--input vectors", xs, index.dim());
            if (given != null && given.length != xs.rows()) {
                throw new IllegalArgumentException("--ids holds " + given.length + " ids for the " + xs.rows() + " rows of --input");
            }
            long before = index.ntotal();
            try {
                IndexRewrite.refusalsAreBadInput(() -> {
                    if (given == null) index.add(xs);
                    else index.addWithIds(xs, given);
                    return null;
                });
            } catch (IllegalArgumentException e) {
                // the library names its method; here the way round is a flag
                if (given == null && e.getCause() instanceof UnsupportedOperationException) {
                    throw new IllegalArgumentException(e.getMessage() + " (komsu add: give --ids ids.npy)", e);
                }
                throw e;
            }
            FaissIndexes.write(index, output, loaded.storedParams());
            out().printf("added %d vectors (ntotal %d -> %d) -> %s%n", xs.rows(), before, index.ntotal(), output);
        }
    }
}
