package dev.komsu.io;

import dev.komsu.Index;
import dev.komsu.index.CodeLayout;
import dev.komsu.index.FlatCodesIndex;
import dev.komsu.index.InvertedLists;
import dev.komsu.index.IvfCodec;
import dev.komsu.index.PqCodec;
import dev.komsu.index.Sq8Codec;
import dev.komsu.kernels.Metric;
import dev.komsu.quant.ProductQuantizer;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * faiss's exhaustive indexes over codes: IndexPQ ({@code IxPq}: header, product quantiser,
 * codes as a byte vector, then search_type int32, encode_signs bool, polysemous_ht int32; the
 * older {@code IxPQ}/{@code IxPo} end earlier or differ, and faiss forces L2 for them) and
 * IndexScalarQuantizer ({@code IxSQ}: header, scalar quantiser, codes). The codes stay in the
 * file mapping; the row-number ids komsu's list layout wants are generated.
 */
final class FlatCodesFormat implements IndexFormat {
    /** faiss IndexPQ::Search_type_t ST_PQ: plain asymmetric PQ distances. */
    private static final int ST_PQ = 0;

    @Override
    public List<String> fourccs() {
        return List.of("IxPq", "IxPQ", "IxPo", "IxSQ");
    }

    @Override
    public Index read(String fourcc, FaissInput in) throws IndexFormatException {
        IndexHeader h = IndexHeader.read(in);
        IvfCodec codec;
        Metric metric = h.metric();
        if (fourcc.equals("IxSQ")) {
            codec = new Sq8Codec(QuantizerFields.readScalarQuantizer(in, h.d()), false);
        } else {
            ProductQuantizer pq = QuantizerFields.readProductQuantizer(in, h.d());
            codec = new PqCodec(pq, false);
            // faiss: old PQ files said inner product while meaning L2
            if (!fourcc.equals("IxPq")) metric = Metric.L2;
        }
        long at = in.position();
        long n = in.readCount("the codes", 1);
        if (n != in.product(at, h.ntotal(), codec.codeSize(), "ntotal*code_size")) {
            throw in.error(at, "expected ntotal*code_size = " + h.ntotal() + "*" + codec.codeSize() + " code bytes, found " + n);
        }
        MemorySegment codes = in.readBytes(n, "the codes");
        if (!fourcc.equals("IxSQ") && !fourcc.equals("IxPQ")) {
            at = in.position();
            int searchType = in.readInt("the PQ search type");
            in.readBool("encode_signs");
            in.readInt("polysemous_ht");
            if (searchType != ST_PQ) {
                throw in.error(at, "PQ search type " + searchType + " is not supported: komsu searches with ST_PQ (0)");
            }
        }
        return new FlatCodesIndex(h.d(), metric, codec, oneList(in, codec.layout(), codes, h.ntotal()), in.backend());
    }

    /**
     * The one list of an exhaustive index: {@code ntotal} codes in {@code layout} left in the
     * file mapping, and the row-number ids the list layout wants, generated.
     */
    static InvertedLists oneList(FaissInput in, CodeLayout layout, MemorySegment codes, long ntotal) {
        Arena claim = in.shareMapping();
        Arena idArena = Arena.ofShared();
        try {
            MemorySegment ids = idArena.allocate(Math.max(1, ntotal) * Long.BYTES, 8);
            for (long i = 0; i < ntotal; i++) ids.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i, i);
            AutoCloseable owner = () -> {
                try {
                    claim.close();
                } finally {
                    idArena.close();
                }
            };
            return InvertedLists.ofViews(layout, new MemorySegment[] {codes}, new MemorySegment[] {ids}, new long[] {ntotal},
                    owner);
        } catch (RuntimeException e) {
            idArena.close();
            claim.close();
            throw e;
        }
    }

    @Override
    public boolean writes(Index index) {
        return index instanceof FlatCodesIndex f && (f.codec() instanceof PqCodec || f.codec() instanceof Sq8Codec);
    }

    @Override
    public void write(Index index, FaissOutput out) throws IOException {
        FlatCodesIndex f = (FlatCodesIndex) index;
        if (f.codec() instanceof PqCodec pq) {
            out.writeFourcc("IxPq");
            IndexHeader.of(f).write(out);
            QuantizerFields.writeProductQuantizer(pq.productQuantizer(), out);
            writeCodes(f, out);
            out.writeInt(ST_PQ);
            out.writeBool(false);
            // faiss's IndexPQ default polysemous_ht: nbits * M + 1 (i.e. never prune)
            out.writeInt(pq.productQuantizer().nbits() * pq.productQuantizer().m() + 1);
        } else {
            out.writeFourcc("IxSQ");
            IndexHeader.of(f).write(out);
            QuantizerFields.writeScalarQuantizer(((Sq8Codec) f.codec()).scalarQuantizer(), out);
            writeCodes(f, out);
        }
    }

    /** The one list's codes as a byte vector, in its layout. */
    static void writeCodes(FlatCodesIndex f, FaissOutput out) throws IOException {
        MemorySegment codes = f.codes().codes(0);
        out.writeLong(codes.byteSize());
        out.writeBytes(codes);
    }
}
