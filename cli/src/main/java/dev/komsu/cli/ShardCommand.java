package dev.komsu.cli;

import dev.komsu.io.FaissIndexes;
import dev.komsu.io.LoadedIndex;
import dev.komsu.io.ShardFolder;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code komsu shard}: splits an IVF index into S faiss-format files by id range, each with a
 * copy of the coarse quantiser (faiss IndexShards with successive ids; see
 * {@link dev.komsu.index.IvfShards} for why by id range). The folder appears at once when every
 * shard is written; scripts/spark-search searches it.
 */
@Command(name = "shard", mixinStandardHelpOptions = true,
        description = "Split an IVF index into S shard files by id range (faiss IndexShards, successive ids).")
final class ShardCommand extends CliCommand {
    @Mixin
    IndexLoading indexLoading = new IndexLoading();

    @Option(names = "--index", required = true, paramLabel = "F.index", description = "faiss-format IVF index (IVF*,… or IVF*,…,RFlat)")
    Path indexFile;

    @Option(names = "--shards", required = true, paramLabel = "S", description = "number of shards")
    int shards;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "new folder for shard-<s>-of-<S>.index")
    Path output;

    @Override
    void execute() throws Exception {
        InputErrors.checkPositive("--shards", shards);
        InputErrors.checkInputFile("--index", indexFile);
        if (Files.exists(output)) throw new IllegalArgumentException("--output " + output + ": exists already, expected a new folder");
        Path parent = output.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IllegalArgumentException("--output " + output + ": the folder " + parent + " does not exist");
        }
        long start = System.nanoTime();
        // scalar: nothing is searched, the codes are only copied
        try (ComputeBackend backend = Backends.scalar();
             LoadedIndex loaded = FaissIndexes.load(indexFile, backend, indexLoading.options())) {
            ShardFolder.write(loaded.index(), shards, loaded.storedParams(), output);
            out().printf("wrote %d shards of %s (%d vectors, by id range) to %s in %.2f s%n", shards, indexFile,
                    loaded.index().ntotal(), output, (System.nanoTime() - start) / 1e9);
        }
    }
}
