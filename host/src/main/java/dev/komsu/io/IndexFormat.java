package dev.komsu.io;

import dev.komsu.Index;
import java.io.IOException;
import java.util.List;

/**
 * One family of faiss index types in the file format: the fourcc tags it reads and the komsu
 * index classes it writes. {@link FaissFormats} dispatches on the tag when reading and on the
 * index when writing; a new index type is a new implementation added to its list.
 */
interface IndexFormat {
    /** The fourcc tags this format reads, e.g. {@code IxF2}. */
    List<String> fourccs();

    /** Reads the index after its fourcc (already consumed) from {@code in}. */
    Index read(String fourcc, FaissInput in) throws IndexFormatException;

    /** True if this format writes {@code index}. */
    boolean writes(Index index);

    /** Writes {@code index}, fourcc first. */
    void write(Index index, FaissOutput out) throws IOException;
}
