package dev.komsu.cli;

import dev.komsu.IdSelector;
import dev.komsu.Index;
import dev.komsu.io.FaissIndexes;
import dev.komsu.io.LoadedIndex;
import dev.komsu.io.Npy;
import dev.komsu.kernels.Backends;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code komsu remove}: faiss's {@code remove_ids} on an index file, written atomically to
 * {@code --output} (which may name the input to replace it).
 */
@Command(name = "remove", mixinStandardHelpOptions = true,
        description = {"Remove vectors by id (faiss remove_ids) and write the index to --output.",
                "Flat and exhaustive codes renumber the remaining rows 0..n-1, as faiss does; IVF and IDMap keep their ids."
                        + " HNSW and RFlat indexes cannot remove (faiss neither)."})
final class RemoveCommand extends CliCommand {
    @Option(names = "--index", required = true, paramLabel = "F.index", description = "faiss-format index file")
    Path indexFile;

    @Option(names = "--ids", required = true, paramLabel = "ids.npy", description = "int64 (or int32) .npy of the ids to remove")
    Path ids;

    @Option(names = "--output", required = true, paramLabel = "F2.index",
            description = "index file to write (written atomically; may be --index itself)")
    Path output;

    @Override
    void execute() throws Exception {
        InputErrors.checkInputFile("--index", indexFile);
        InputErrors.checkInputFile("--ids", ids);
        InputErrors.checkOutputFile("--output", output);
        InputErrors.checkDistinct("--ids", ids, "--output", output);
        long[] remove = Npy.readLongs(ids);
        try (LoadedIndex loaded = FaissIndexes.load(indexFile, Backends.defaultCpu())) {
            Index index = loaded.index();
            long before = index.ntotal();
            long removed = IndexRewrite.refusalsAreBadInput(() -> index.removeIds(IdSelector.batch(remove)));
            FaissIndexes.write(index, output, loaded.storedParams());
            out().printf("removed %d of the %d ids asked (ntotal %d -> %d) -> %s%n", removed, remove.length, before,
                    index.ntotal(), output);
        }
    }
}
