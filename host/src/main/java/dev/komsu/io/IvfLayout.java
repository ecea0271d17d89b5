package dev.komsu.io;

import dev.komsu.Index;
import dev.komsu.index.CoarseQuantizer;
import dev.komsu.index.CodeLayout;
import dev.komsu.index.FlatCoarseQuantizer;
import dev.komsu.index.FlatIndex;
import dev.komsu.index.HnswCoarseQuantizer;
import dev.komsu.index.HnswIndex;
import dev.komsu.index.InvertedLists;
import dev.komsu.index.IvfCodec;
import dev.komsu.index.IvfIndex;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * The parts every faiss IVF index shares, for the IVF formats (Flat here; PQ, FastScan and SQ8
 * reuse them): the IVF header (faiss write_ivf_header: index header, nlist and nprobe as
 * size_t, the coarse quantiser as a nested index: a Flat one ({@code IxF2}/{@code IxFI}) or, for
 * "IVF{n}_HNSW{M},…", an HNSW one ({@code IHNf}); then the direct map) and the array inverted lists
 * ({@code ilar}, faiss write_InvertedLists).
 */
final class IvfLayout {
    /** faiss DirectMap::Type: NoMap, Array, Hashtable. */
    private static final int DIRECT_MAP_HASHTABLE = 2;
    /** Bound on nlist for an untrained file (no centroids to bound it), against absurd allocations. */
    private static final long MAX_UNTRAINED_NLIST = 1L << 22;

    private IvfLayout() {
    }

    /** An IVF header as read: the common fields, nlist, the stored nprobe, and the quantiser. */
    public record Header(IndexHeader index, int nlist, long nprobe, CoarseQuantizer quantizer) {
    }

    /**
     * Reads the IVF header including the direct map. On failure after the quantiser was read,
     * the quantiser is closed; on success the caller owns it (close it if a later part fails).
     */
    public static Header readHeader(FaissInput in) throws IndexFormatException {
        Header h = readHeaderStart(in);
        try {
            skipDirectMap(in);
        } catch (IndexFormatException | RuntimeException e) {
            h.quantizer().close();
            throw e;
        }
        return h;
    }

    /** The IVF header up to, not including, the direct map (legacy formats put ids in between). */
    public static Header readHeaderStart(FaissInput in) throws IndexFormatException {
        IndexHeader index = IndexHeader.read(in);
        long nlist = in.readSize("nlist", 1, Integer.MAX_VALUE);
        long nprobe = in.readSize("nprobe", 1, Integer.MAX_VALUE);
        // faiss clamps nprobe to nlist when it searches, so a larger stored value is legal; the
        // index keeps it as it is (it clamps when it searches) so the file round-trips
        long at = in.position();
        Index q = in.readIndex();
        try {
            CoarseQuantizer quantizer = switch (q) {
                case FlatIndex flat -> new FlatCoarseQuantizer(flat);
                case HnswIndex hnsw when !hnsw.storesSq8() -> new HnswCoarseQuantizer(hnsw);
                default -> throw in.error(at, "the coarse quantiser must be a Flat index (IxF2/IxFI) or an HNSW one (IHNf),"
                        + " found " + q.describe());
            };
            index.checkPart(in, at, "the coarse quantiser", q, false);
            boolean empty = q.ntotal() == 0 && !index.trained();
            if (q.ntotal() != nlist && !empty) {
                throw in.error(at, "the coarse quantiser holds " + q.ntotal() + " centroids, expected nlist=" + nlist);
            }
            if (empty && nlist > Math.max(in.remaining(), MAX_UNTRAINED_NLIST)) {
                throw in.error(at, "nlist=" + nlist + " is implausible for an untrained index in a file of this size");
            }
            return new Header(index, (int) nlist, nprobe, quantizer);
        } catch (IndexFormatException | RuntimeException e) {
            q.close();
            throw e;
        }
    }

    /**
     * Checks and skips faiss's direct map (type byte, id array, and for the hashtable type the
     * id pairs). komsu keeps none: reconstruct scans the lists instead.
     */
    public static void skipDirectMap(FaissInput in) throws IndexFormatException {
        long at = in.position();
        int type = in.readByte("the direct map type");
        if (type < 0 || type > DIRECT_MAP_HASHTABLE) {
            throw in.error(at, "expected a direct map type 0 (none), 1 (array) or 2 (hashtable), found " + type);
        }
        in.skip(in.readCount("the direct map array", Long.BYTES) * Long.BYTES, "the direct map array");
        if (type == DIRECT_MAP_HASHTABLE) {
            in.skip(in.readCount("the direct map hashtable", 2 * Long.BYTES) * 2 * Long.BYTES, "the direct map hashtable");
        }
    }

    /**
     * Reads {@code ilar} array inverted lists of {@code codeSize}-byte codes, as views of the
     * file mapping; their total size must equal the index's ntotal.
     */
    public static InvertedLists readArrayLists(FaissInput in, Header h, int codeSize) throws IndexFormatException {
        long at = in.position();
        String tag = in.readFourcc("the inverted lists tag 'ilar'");
        if (tag.equals("il00")) throw in.error(at, "the inverted lists are not stored in this file (faiss 'il00')");
        if (!tag.equals("ilar")) {
            throw in.error(at, "expected array inverted lists 'ilar', found " + FaissInput.printable(tag));
        }
        at = in.position();
        long nlist = in.readSize("the inverted lists' nlist", 0, Long.MAX_VALUE);
        if (nlist != h.nlist()) throw in.error(at, "the inverted lists have nlist=" + nlist + ", the index " + h.nlist());
        at = in.position();
        long cs = in.readSize("the code size", 0, Long.MAX_VALUE);
        if (cs != codeSize) throw in.error(at, "expected codes of " + codeSize + " bytes, found code size " + cs);
        long[] sizes = readListSizes(in, h.nlist());
        MemorySegment[] codes = new MemorySegment[h.nlist()];
        MemorySegment[] ids = new MemorySegment[h.nlist()];
        long total = 0;
        for (int l = 0; l < sizes.length; l++) {
            long n = sizes[l];
            if (n > in.remaining() / (codeSize + (long) Long.BYTES)) {
                throw in.error("list " + l + " announces " + n + " entries of " + codeSize
                        + "-byte codes and 8-byte ids, more than the " + in.remaining() + " bytes left");
            }
            codes[l] = in.readBytes(n * codeSize, "the codes of list " + l);
            ids[l] = in.readBytes(n * Long.BYTES, "the ids of list " + l);
            total += n;
        }
        if (total != h.index().ntotal()) {
            throw in.error("the inverted lists hold " + total + " entries, the header says ntotal=" + h.index().ntotal());
        }
        return InvertedLists.ofViews(CodeLayout.flat(codeSize), codes, ids, sizes, in.shareMapping());
    }

    /** The list sizes, stored in full ({@code full}) or as (list, size) pairs ({@code sprs}). */
    private static long[] readListSizes(FaissInput in, int nlist) throws IndexFormatException {
        long at = in.position();
        String type = in.readFourcc("the list size encoding 'full' or 'sprs'");
        long[] sizes = new long[nlist];
        switch (type) {
            case "full" -> {
                long countAt = in.position();
                long n = in.readCount("the list sizes", Long.BYTES);
                if (n != nlist) throw in.error(countAt, "expected " + nlist + " list sizes, found " + n);
                for (int l = 0; l < nlist; l++) sizes[l] = in.readSize("the size of list " + l, 0, Long.MAX_VALUE);
            }
            case "sprs" -> {
                long countAt = in.position();
                long n = in.readCount("the sparse list sizes", Long.BYTES);
                if (n % 2 != 0) throw in.error(countAt, "expected (list, size) pairs, found an odd count " + n);
                for (long i = 0; i < n; i += 2) {
                    int list = (int) in.readSize("a list number", 0, nlist - 1);
                    sizes[list] = in.readSize("the size of list " + list, 0, Long.MAX_VALUE);
                }
            }
            default -> throw in.error(at, "expected the list size encoding 'full' or 'sprs', found " + FaissInput.printable(type));
        }
        return sizes;
    }

    /** Builds the index, turning a consistency check of the index classes into a format error. */
    public static IvfIndex build(FaissInput in, Header h, IvfCodec codec, InvertedLists lists) throws IndexFormatException {
        try {
            IvfIndex ivf = new IvfIndex(h.quantizer(), h.nlist(), codec, lists, h.index().ntotal());
            ivf.setNprobe((int) h.nprobe());
            return ivf;
        } catch (IllegalArgumentException e) {
            lists.close();
            throw in.error("inconsistent IVF index: " + e.getMessage());
        }
    }

    /**
     * Writes the IVF header: common fields, nlist, nprobe (the index's own unless the writer
     * overrides it), the quantiser, an empty direct map.
     */
    public static void writeHeader(IvfIndex ivf, FaissOutput out) throws IOException {
        IndexHeader.of(ivf).write(out);
        out.writeLong(ivf.nlist());
        out.writeLong(out.overrides().nprobeOr(ivf.nprobe()));
        out.writeIndex(ivf.quantizer().index());
        out.writeByte((byte) 0); // no direct map, faiss's default
        out.writeLong(0);
    }

    /**
     * Writes {@code ilar} lists as faiss does: sizes in full when more than half the lists are
     * non-empty, else as (list, size) pairs; then each non-empty list's codes and ids.
     */
    public static void writeArrayLists(InvertedLists lists, FaissOutput out) throws IOException {
        int nlist = lists.nlist();
        out.writeFourcc("ilar");
        out.writeLong(nlist);
        out.writeLong(lists.codeSize());
        int nonEmpty = 0;
        for (int l = 0; l < nlist; l++) if (lists.size(l) > 0) nonEmpty++;
        if (nonEmpty > nlist / 2) {
            out.writeFourcc("full");
            out.writeLong(nlist);
            for (int l = 0; l < nlist; l++) out.writeLong(lists.size(l));
        } else {
            out.writeFourcc("sprs");
            out.writeLong(2L * nonEmpty);
            for (int l = 0; l < nlist; l++) {
                if (lists.size(l) == 0) continue;
                out.writeLong(l);
                out.writeLong(lists.size(l));
            }
        }
        for (int l = 0; l < nlist; l++) {
            if (lists.size(l) == 0) continue;
            out.writeBytes(lists.codes(l));
            out.writeBytes(lists.ids(l));
        }
    }
}
