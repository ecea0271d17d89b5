package dev.komsu.index;

/**
 * How many rows an add encodes at once. Codes are built in a Java array before they are appended
 * to off-heap lists, and {@code new byte[n * codeSize]} for a whole add overflows an int at 134M
 * vectors of 16 bytes (PQ32x4fs): encoding in chunks of at most {@link #BYTES} keeps every
 * product in range and the scratch memory bounded, whatever the size of the add.
 */
final class AddChunks {
    /** Scratch per chunk: big enough that the per-chunk overhead is noise. */
    static final long BYTES = 64L << 20;

    private AddChunks() {
    }

    /** Rows per chunk for {@code bytesPerRow}-byte codes: at least 1, and rows * bytesPerRow <= max(BYTES, bytesPerRow). */
    static int rows(long bytesPerRow) {
        return rows(bytesPerRow, BYTES);
    }

    /** {@link #rows(long)} for a scratch budget of {@code budget} bytes. */
    static int rows(long bytesPerRow, long budget) {
        if (bytesPerRow <= 0) throw new IllegalArgumentException("bytes per row must be > 0, got " + bytesPerRow);
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE - 8, budget / bytesPerRow));
    }
}
