package dev.komsu.io;

/**
 * How {@link FaissIndexes#load} brings a file into memory.
 *
 * <p>By default the file is copied into off-heap memory, as faiss's {@code read_index} does:
 * the index then owns its bytes and nothing done to the file afterwards can affect it.
 *
 * <p>{@link #mapped()} maps the file instead (faiss's {@code IO_FLAG_MMAP}): a multi-GB index
 * opens at once and pages are shared with other processes mapping the same file. The caveat is
 * the OS's, not komsu's: if the file is truncated or rewritten in place while the index is open,
 * a search touching the lost pages fails with an {@code InternalError} or, in compiled code,
 * kills the JVM with SIGBUS. Map only files nothing will change while they are open (replace an
 * index by writing a new file and renaming it, as komsu's own writes do).
 *
 * @param mmap map the file rather than copy it
 */
public record LoadOptions(boolean mmap) {
    /** Copy the file into memory (faiss's default). */
    public static final LoadOptions DEFAULTS = new LoadOptions(false);

    /** Map the file (faiss's {@code IO_FLAG_MMAP}); see the class comment for the caveat. */
    public static LoadOptions mapped() {
        return new LoadOptions(true);
    }
}
