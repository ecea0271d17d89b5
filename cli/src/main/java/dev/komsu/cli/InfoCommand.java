package dev.komsu.cli;

import dev.komsu.SearchParams;
import dev.komsu.io.FaissIndexes;
import dev.komsu.io.LoadedIndex;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code komsu info F.index}: what an index file holds (type, d, ntotal, nlist, metric, codec, memory). */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Describe an index file.")
final class InfoCommand extends CliCommand {
    @Mixin
    IndexLoading indexLoading = new IndexLoading();

    @Parameters(index = "0", paramLabel = "F.index", description = "faiss-format index file")
    Path indexFile;

    @Override
    void execute() throws Exception {
        InputErrors.checkInputFile("index file", indexFile);
        try (ComputeBackend backend = Backends.scalar();
             LoadedIndex loaded = FaissIndexes.load(indexFile, backend, indexLoading.options())) {
            out().println(indexFile + " (" + Files.size(indexFile) + " bytes on disk)");
            out().println(loaded.index().describe());
            // what komsu search (and faiss) use when not told otherwise
            SearchParams stored = loaded.storedParams();
            out().println("stored search parameters: " + (stored.equals(SearchParams.DEFAULTS) ? "none" : stored));
        }
    }
}
