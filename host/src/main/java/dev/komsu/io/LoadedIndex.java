package dev.komsu.io;

import dev.komsu.Index;
import dev.komsu.SearchParams;

/**
 * An index read from a faiss file with the search parameters stored in it (the outermost IVF
 * index's nprobe; defaults where the file stores none). Closing closes the index.
 */
public record LoadedIndex(Index index, SearchParams storedParams) implements AutoCloseable {
    @Override
    public void close() {
        index.close();
    }
}
