package dev.komsu.cli;

import dev.komsu.SearchParams;
import dev.komsu.index.SearchBudget;
import dev.komsu.io.FaissIndexes;
import dev.komsu.io.LoadedIndex;
import dev.komsu.io.Npy;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.rvc.FeatureRetrieval;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code komsu blend}: RVC's feature retrieval on a feature file (see {@link FeatureRetrieval}). */
@Command(name = "blend", mixinStandardHelpOptions = true,
        description = "Blend features with their nearest stored vectors, as RVC's index rate does.")
final class BlendCommand extends CliCommand {
    @Mixin
    IndexLoading indexLoading = new IndexLoading();

    @Mixin
    SearchOptions searching = new SearchOptions();

    @Mixin
    Reporting reporting = new Reporting();

    @Option(names = "--index", required = true, paramLabel = "F.index", description = "faiss-format L2 index file")
    Path indexFile;

    @Option(names = "--features", required = true, paramLabel = "F.npy", description = "float32/float16/float64 .npy matrix [T, D] (float64 is rounded to float32)")
    Path features;

    @Option(names = "--k", defaultValue = "8", paramLabel = "K", description = "neighbours per frame (default: ${DEFAULT-VALUE})")
    int k;

    @Option(names = "--index-rate", defaultValue = "0.75", paramLabel = "R",
            description = "share of the retrieved mean in the result, in [0, 1] (default: ${DEFAULT-VALUE})")
    float indexRate;

    @Option(names = "--output", required = true, paramLabel = "OUT.npy", description = "blended features, float32 [T, D]")
    Path output;

    @Override
    void execute() throws Exception {
        reporting.check();
        searching.check();
        if (k <= 0) throw new IllegalArgumentException("--k must be > 0, got " + k);
        if (!(indexRate >= 0f && indexRate <= 1f)) {
            throw new IllegalArgumentException("--index-rate must be in [0, 1], got " + indexRate);
        }
        InputErrors.checkInputFile("--index", indexFile);
        InputErrors.checkInputFile("--features", features);
        InputErrors.checkOutputFile("--output", output);
        InputErrors.checkDistinct("--features", features, "--output", output);
        InputErrors.checkDistinct("--index", indexFile, "--output", output);
        long phase = System.nanoTime();
        try (ComputeBackend backend = searching.openBackend();
             LoadedIndex index = FaissIndexes.load(indexFile, backend, indexLoading.options());
             FloatMatrix in = NpyInputs.read("blend", "--features", features, reporting.err())) {
            reporting.phase("load", phase);
            searching.noteCpuFallback(index.index(), backend, reporting);
            // RVC searches with the nprobe faiss stored in the file (RVC's train_index writes 1).
            // Not asked for, the index searches with its own, the file's.
            SearchParams.Builder asked = SearchParams.builder();
            Integer nprobe = searching.nprobe(index.index(), reporting);
            if (nprobe != null) asked.nprobe(nprobe);
            SearchParams params = asked.build();
            // blend keeps every frame's k results until it mixes: refuse what cannot fit, up front
            SearchBudget.check(index.index(), in.rows(), k, params, "--k");
            long search = System.nanoTime();
            try (FloatMatrix blended = FeatureRetrieval.blend(index.index(), in, k, indexRate, params)) {
                reporting.phase("search and blend", search);
                long write = System.nanoTime();
                Npy.write(output, blended);
                reporting.phase("write", write);
            }
            out().println("blended " + in.rows() + " x " + in.cols() + " features (k=" + k + ", index rate "
                    + indexRate + ") -> " + output);
        }
    }
}
