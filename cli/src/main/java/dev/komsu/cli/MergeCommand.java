package dev.komsu.cli;

import dev.komsu.Index;
import dev.komsu.index.FlatCodesIndex;
import dev.komsu.index.FlatIndex;
import dev.komsu.index.L2NormIndex;
import dev.komsu.io.FaissIndexes;
import dev.komsu.io.LoadedIndex;
import dev.komsu.kernels.Backends;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code komsu merge}: faiss's {@code merge_from}, the second and later indexes into the first,
 * written atomically to {@code --output}. Ids shift as faiss's contrib merges sequential-id
 * indexes (add_id = the vectors already merged), so indexes numbered 0..n-1 each give the
 * index built from all their vectors in order; {@code --keep-ids} merges with add_id 0.
 */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = {"Merge indexes (faiss merge_from) into one written to --output. They must be the same type with the"
                + " same trained parameters (IVF: the same centroids and codec), e.g. parts filled from one trained index.",
                "Ids: each index's ids are shifted by the number of vectors merged before it (faiss contrib's"
                        + " add_id = ntotal), so parts numbered 0..n-1 become 0..N-1 in order; --keep-ids keeps them as stored"
                        + " (IVF, IDMap). Flat and exhaustive codes number rows, so their ids always follow on."})
final class MergeCommand extends CliCommand {
    @Parameters(arity = "2..*", paramLabel = "F.index", description = "index files, merged in this order")
    List<Path> inputs;

    @Option(names = "--output", required = true, paramLabel = "C.index", description = "index file to write (atomically)")
    Path output;

    @Option(names = "--keep-ids", description = "merge with add_id 0: ids stay as each index stores them")
    boolean keepIds;

    @Override
    void execute() throws Exception {
        for (Path p : inputs) InputErrors.checkInputFile("index", p);
        InputErrors.checkOutputFile("--output", output);
        List<LoadedIndex> loaded = new ArrayList<>();
        try {
            for (Path p : inputs) loaded.add(FaissIndexes.load(p, Backends.defaultCpu()));
            Index into = loaded.get(0).index();
            for (int i = 1; i < loaded.size(); i++) {
                Index other = loaded.get(i).index();
                long addId = keepIds || numbersRows(into) ? 0 : into.ntotal();
                Path from = inputs.get(i);
                IndexRewrite.refusalsAreBadInput(() -> {
                    try {
                        into.mergeFrom(other, addId);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(from + ": " + e.getMessage(), e);
                    }
                    return null;
                });
            }
            FaissIndexes.write(into, output, loaded.get(0).storedParams());
            out().printf("merged %d indexes (ntotal %d) -> %s%n", inputs.size(), into.ntotal(), output);
        } finally {
            for (LoadedIndex l : loaded) l.close();
        }
    }

    /** Flat and exhaustive codes: ids are row numbers, faiss's merge_from takes add_id 0 only. */
    private static boolean numbersRows(Index index) {
        if (index instanceof L2NormIndex n) return numbersRows(n.inner());
        return index instanceof FlatIndex || index instanceof FlatCodesIndex;
    }
}
