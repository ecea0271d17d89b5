package dev.komsu.io;

import java.util.Locale;

/** The NumPy element types komsu reads and writes, always little-endian as on x86 and ARM. */
public enum NpyDtype {
    FLOAT32("<f4", 4),
    /** IEEE half precision; read as float32. */
    FLOAT16("<f2", 2),
    /** IEEE double precision; read as float32 (rounded to nearest), as faiss's Python converts. */
    FLOAT64("<f8", 8),
    INT64("<i8", 8),
    INT32("<i4", 4);

    private final String descr;
    private final int size;

    NpyDtype(String descr, int size) {
        this.descr = descr;
        this.size = size;
    }

    /** NumPy's {@code descr} string, e.g. {@code "<f4"}. */
    public String descr() {
        return descr;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /**
     * The dtype for a header {@code descr}, or null if komsu does not support it. {@code '='}
     * (native order) is accepted for the little-endian machines komsu runs on.
     */
    static NpyDtype fromDescr(String descr) {
        String d = descr.startsWith("=") ? "<" + descr.substring(1) : descr;
        for (NpyDtype t : values()) {
            if (t.descr.equals(d)) return t;
        }
        return null;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT) + " (" + descr + ")";
    }
}
