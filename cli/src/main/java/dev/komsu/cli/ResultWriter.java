package dev.komsu.cli;

import dev.komsu.kernels.Neighbors;
import java.io.IOException;

/**
 * Where {@code komsu search} puts its results, batch after batch, in query order. Nothing is
 * visible until {@link #commit}; closing without commit leaves nothing behind.
 */
interface ResultWriter extends AutoCloseable {
    /** Appends the next batch's results. */
    void write(Neighbors batch) throws IOException;

    /** Makes the results appear (atomically, for files). */
    void commit() throws IOException;

    /** Where the results went, for the closing line. */
    String destination();

    @Override
    void close() throws IOException;
}
