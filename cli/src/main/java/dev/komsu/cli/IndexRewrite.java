package dev.komsu.cli;

/**
 * What the commands that change an index file share (add, remove, merge): the library's
 * refusals of an operation on this index type or state are the user's input problem (exit 2,
 * one line), not komsu's failure.
 */
final class IndexRewrite {
    private IndexRewrite() {
    }

    /** Runs {@code operation}, turning its refusal (wrong index type, untrained index) into bad input. */
    static <T> T refusalsAreBadInput(java.util.function.Supplier<T> operation) {
        try {
            return operation.get();
        } catch (UnsupportedOperationException | IllegalStateException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
