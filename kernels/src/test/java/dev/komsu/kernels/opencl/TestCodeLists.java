package dev.komsu.kernels.opencl;

import dev.komsu.kernels.CodeLists;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/** Random code lists of given sizes with distinct, scattered int64 ids (some above 2^31). */
final class TestCodeLists implements CodeLists, AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final int codeSize;
    private final long[] sizes;
    private final MemorySegment[] codes;
    private final MemorySegment[] ids;

    /** {@code values}: code bytes are drawn below it (e.g. 256, or 4 to make many equal codes and tied distances). */
    TestCodeLists(int codeSize, long[] sizes, int values, long seed) {
        this.codeSize = codeSize;
        this.sizes = sizes.clone();
        this.codes = new MemorySegment[sizes.length];
        this.ids = new MemorySegment[sizes.length];
        SplittableRandom r = new SplittableRandom(seed);
        long next = 0;
        for (int l = 0; l < sizes.length; l++) {
            codes[l] = arena.allocate(Math.max(1, sizes[l] * codeSize));
            ids[l] = arena.allocate(Math.max(1, sizes[l] * 8), 8);
            for (long i = 0; i < sizes[l] * codeSize; i++) codes[l].set(ValueLayout.JAVA_BYTE, i, (byte) r.nextInt(values));
            for (long i = 0; i < sizes[l]; i++) {
                // interleaved across lists and offset past 2^31 for odd lists: ids are not row numbers
                long id = (l % 2 == 1 ? 3_000_000_000L : 0) + (next++) * 7 + l;
                ids[l].setAtIndex(ValueLayout.JAVA_LONG, i, id);
            }
        }
    }

    @Override
    public int listCount() {
        return sizes.length;
    }

    @Override
    public int codeSize() {
        return codeSize;
    }

    @Override
    public long size(int list) {
        return sizes[list];
    }

    @Override
    public MemorySegment codes(int list) {
        return codes[list].asSlice(0, sizes[list] * codeSize);
    }

    @Override
    public MemorySegment ids(int list) {
        return ids[list].asSlice(0, sizes[list] * 8);
    }

    @Override
    public void close() {
        arena.close();
    }
}
