package dev.komsu.io;

import dev.komsu.Index;
import dev.komsu.SearchParams;

/**
 * An index read from a faiss file with the search parameters stored in it (IVF nprobe, RFlat
 * k_factor, HNSW efSearch; unset where the index has no such part). The index keeps and uses
 * them itself; they are named here for display. Closing closes the index.
 */
public record LoadedIndex(Index index, SearchParams storedParams) implements AutoCloseable {
    @Override
    public void close() {
        index.close();
    }
}
