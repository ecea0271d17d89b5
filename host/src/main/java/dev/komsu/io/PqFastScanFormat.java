package dev.komsu.io;

import dev.komsu.Index;
import dev.komsu.index.FastScanCodec;
import dev.komsu.index.FastScanPacking;
import dev.komsu.index.FlatCodesIndex;
import dev.komsu.quant.ProductQuantizer;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * faiss IndexPQFastScan, {@code IPfs}: the index header, the product quantiser, implem, bbs and
 * qbs (int32), ntotal2 (ntotal rounded up to bbs) and M2 (size_t), then the packed codes as a
 * byte vector of ntotal2*M2/2. The codes stay in the file mapping; the row-number ids the list
 * layout wants are generated. Only bbs = 32 is read; L2 and inner product.
 */
final class PqFastScanFormat implements IndexFormat {
    @Override
    public List<String> fourccs() {
        return List.of("IPfs");
    }

    @Override
    public Index read(String fourcc, FaissInput in) throws IndexFormatException {
        IndexHeader h = IndexHeader.read(in);
        ProductQuantizer pq = QuantizerFields.readProductQuantizer(in, h.d());
        if (pq.nbits() != 4) throw in.error("FastScan needs a 4-bit PQ, found nbits=" + pq.nbits());
        in.readInt("implem"); // faiss's choice of search implementation: komsu has one
        long at = in.position();
        int bbs = in.readInt("bbs (vectors per block)");
        if (bbs != FastScanPacking.BLOCK) {
            throw in.error(at, "FastScan block size bbs=" + bbs + " is not supported: komsu reads bbs=32");
        }
        in.readInt("qbs"); // faiss's query batch size: not a property of the data
        at = in.position();
        long ntotal2 = in.readSize("ntotal2", 0, Long.MAX_VALUE);
        if (ntotal2 != FastScanPacking.blocks(h.ntotal()) * FastScanPacking.BLOCK) {
            throw in.error(at, "ntotal2=" + ntotal2 + " is not ntotal=" + h.ntotal() + " rounded up to 32");
        }
        at = in.position();
        int m2 = FastScanPacking.m2(pq.m());
        long m2Stored = in.readSize("M2", 0, Long.MAX_VALUE);
        if (m2Stored != m2) throw in.error(at, "M2=" + m2Stored + " does not match the PQ's M=" + pq.m() + " rounded up to even");
        at = in.position();
        long n = in.readCount("the codes", 1);
        long expected = in.product(at, FastScanPacking.blocks(h.ntotal()), FastScanPacking.blockBytes(m2), "blocks*block_bytes");
        if (n != expected) throw in.error(at, "expected " + expected + " bytes of packed codes, found " + n);
        MemorySegment codes = in.readBytes(n, "the codes");
        FastScanCodec codec = FastScanCodec.flat(pq);
        return new FlatCodesIndex(h.d(), h.metric(), codec, FlatCodesFormat.oneList(in, codec.layout(), codes, h.ntotal()),
                in.backend());
    }

    @Override
    public boolean writes(Index index) {
        return index instanceof FlatCodesIndex f && f.codec() instanceof FastScanCodec;
    }

    @Override
    public void write(Index index, FaissOutput out) throws IOException {
        FlatCodesIndex f = (FlatCodesIndex) index;
        ProductQuantizer pq = ((FastScanCodec) f.codec()).productQuantizer();
        out.writeFourcc("IPfs");
        IndexHeader.of(f).write(out);
        QuantizerFields.writeProductQuantizer(pq, out);
        out.writeInt(0); // implem: faiss's automatic choice
        out.writeInt(FastScanPacking.BLOCK);
        out.writeInt(0); // qbs: faiss's default
        out.writeLong(FastScanPacking.blocks(f.ntotal()) * FastScanPacking.BLOCK);
        out.writeLong(FastScanPacking.m2(pq.m()));
        FlatCodesFormat.writeCodes(f, out);
    }
}
