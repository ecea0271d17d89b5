package dev.komsu.cli;

import dev.komsu.io.LoadOptions;
import picocli.CommandLine.Option;

/** The {@code --mmap} flag of the commands that read an index (a picocli mixin). */
final class IndexLoading {
    @Option(names = "--mmap", description = "map the index file instead of copying it into memory: opens a large index"
            + " at once, but the file must not be truncated or rewritten while komsu runs (faiss's IO_FLAG_MMAP)")
    boolean mmap;

    LoadOptions options() {
        return mmap ? LoadOptions.mapped() : LoadOptions.DEFAULTS;
    }
}
