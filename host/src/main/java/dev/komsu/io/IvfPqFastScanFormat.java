package dev.komsu.io;

import dev.komsu.Index;
import dev.komsu.index.CodeLayout;
import dev.komsu.index.FastScanCodec;
import dev.komsu.index.FastScanPacking;
import dev.komsu.index.InvertedLists;
import dev.komsu.index.IvfIndex;
import dev.komsu.quant.ProductQuantizer;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * faiss IndexIVFPQFastScan, {@code IwPf}: the IVF header, by_residual (bool), code_size
 * (size_t), bbs (int32), M2 (size_t), implem (int32), qbs2 (size_t), the product quantiser,
 * then {@code ilbl} block inverted lists (faiss BlockInvertedListsIOHook: nlist, code_size,
 * n_per_block, block_size as size_t; per list the ids and the packed codes as vectors). The
 * packed codes are used as they are (views of the file mapping). faiss stores no precomputed
 * table; it is rebuilt on load, as here. Only bbs = 32 (faiss's default and the only block
 * size its IVF search uses by default) is read.
 */
final class IvfPqFastScanFormat implements IndexFormat {
    /** faiss InvertedLists::INVALID_CODE_SIZE, the code size faiss 1.7.x gives block lists. */
    private static final long INVALID_CODE_SIZE = -1L;

    @Override
    public List<String> fourccs() {
        return List.of("IwPf");
    }

    @Override
    public Index read(String fourcc, FaissInput in) throws IndexFormatException {
        IvfLayout.Header h = IvfLayout.readHeader(in);
        try {
            // komsu's IVF FastScan takes its metric from the coarse quantiser (faiss builds IxFI for inner product)
            if (h.quantizer().metric() != h.index().metric()) {
                throw in.error("IVF FastScan with metric " + h.index().metric() + " over a coarse quantiser of metric "
                        + h.quantizer().metric() + " is not supported: komsu reads matching metrics only");
            }
            boolean byResidual = in.readBool("by_residual");
            long codeSizeAt = in.position();
            long codeSize = in.readSize("the code size", 1, Integer.MAX_VALUE);
            long at = in.position();
            int bbs = in.readInt("bbs (vectors per block)");
            if (bbs != FastScanPacking.BLOCK) {
                throw in.error(at, "FastScan block size bbs=" + bbs + " is not supported: komsu reads bbs=32");
            }
            long m2At = in.position();
            long m2 = in.readSize("M2", 2, Integer.MAX_VALUE);
            in.readInt("implem");   // faiss's choice of search implementation: komsu has one
            in.readLong("qbs2");    // faiss's query batch size: not a property of the data
            ProductQuantizer pq = QuantizerFields.readProductQuantizer(in, h.index().d());
            if (pq.nbits() != 4) throw in.error("FastScan needs a 4-bit PQ, found nbits=" + pq.nbits());
            if (m2 != FastScanPacking.m2(pq.m())) {
                throw in.error(m2At, "M2=" + m2 + " does not match the PQ's M=" + pq.m() + " rounded up to even");
            }
            if (codeSize != pq.codeSize()) {
                throw in.error(codeSizeAt, "code size " + codeSize + " does not match the PQ's " + pq.codeSize() + " bytes");
            }
            return IvfLayout.build(in, h, FastScanCodec.ivf(pq, byResidual), readBlockLists(in, h, pq.m()));
        } catch (IndexFormatException | RuntimeException e) {
            h.quantizer().close();
            throw e;
        }
    }

    private static InvertedLists readBlockLists(FaissInput in, IvfLayout.Header h, int m) throws IndexFormatException {
        long at = in.position();
        String tag = in.readFourcc("the inverted lists tag 'ilbl'");
        if (!tag.equals("ilbl")) {
            throw in.error(at, "expected block inverted lists 'ilbl', found " + FaissInput.printable(tag));
        }
        at = in.position();
        long nlist = in.readSize("the inverted lists' nlist", 0, Long.MAX_VALUE);
        if (nlist != h.nlist()) throw in.error(at, "the inverted lists have nlist=" + nlist + ", the index " + h.nlist());
        at = in.position();
        long codeSize = in.readLong("the lists' code size");
        // faiss 1.7.x writes INVALID_CODE_SIZE (size_t -1) for block lists, later versions the code size
        if (codeSize != INVALID_CODE_SIZE && codeSize != FastScanPacking.flatCodeSize(m)) {
            throw in.error(at, "expected a code size of " + FastScanPacking.flatCodeSize(m) + " bytes (or -1), found "
                    + Long.toUnsignedString(codeSize));
        }
        at = in.position();
        long perBlock = in.readSize("n_per_block", 0, Long.MAX_VALUE);
        if (perBlock != FastScanPacking.BLOCK) throw in.error(at, "expected 32 vectors per block, found " + perBlock);
        at = in.position();
        long blockBytes = FastScanPacking.blockBytes(FastScanPacking.m2(m));
        long blockSize = in.readSize("block_size", 0, Long.MAX_VALUE);
        if (blockSize != blockBytes) throw in.error(at, "expected blocks of " + blockBytes + " bytes, found " + blockSize);
        MemorySegment[] codes = new MemorySegment[h.nlist()];
        MemorySegment[] ids = new MemorySegment[h.nlist()];
        long[] sizes = new long[h.nlist()];
        long total = 0;
        for (int l = 0; l < h.nlist(); l++) {
            sizes[l] = in.readCount("the ids of list " + l, Long.BYTES);
            ids[l] = in.readBytes(sizes[l] * Long.BYTES, "the ids of list " + l);
            at = in.position();
            long bytes = in.readCount("the codes of list " + l, 1);
            long expected = in.product(at, FastScanPacking.blocks(sizes[l]), blockBytes, "blocks*block_bytes");
            if (bytes != expected) {
                throw in.error(at, "list " + l + " has " + sizes[l] + " ids and " + bytes + " code bytes, expected "
                        + expected + " (" + FastScanPacking.blocks(sizes[l]) + " blocks of " + blockBytes + ")");
            }
            codes[l] = in.readBytes(bytes, "the codes of list " + l);
            total += sizes[l];
        }
        if (total != h.index().ntotal()) {
            throw in.error("the inverted lists hold " + total + " entries, the header says ntotal=" + h.index().ntotal());
        }
        return InvertedLists.ofViews(CodeLayout.blocks(m), codes, ids, sizes, in.shareMapping());
    }

    @Override
    public boolean writes(Index index) {
        return index instanceof IvfIndex ivf && ivf.codec() instanceof FastScanCodec;
    }

    @Override
    public void write(Index index, FaissOutput out) throws IOException {
        IvfIndex ivf = (IvfIndex) index;
        FastScanCodec codec = (FastScanCodec) ivf.codec();
        ProductQuantizer pq = codec.productQuantizer();
        int m2 = FastScanPacking.m2(pq.m());
        out.writeFourcc("IwPf");
        IvfLayout.writeHeader(ivf, out);
        out.writeBool(codec.byResidual());
        out.writeLong(pq.codeSize());
        out.writeInt(FastScanPacking.BLOCK);
        out.writeLong(m2);
        out.writeInt(0);  // implem: faiss's automatic choice
        out.writeLong(0); // qbs2: faiss's default
        QuantizerFields.writeProductQuantizer(pq, out);
        InvertedLists lists = ivf.invertedLists();
        out.writeFourcc("ilbl");
        out.writeLong(lists.nlist());
        out.writeLong(INVALID_CODE_SIZE); // as faiss 1.7.3 writes it
        out.writeLong(FastScanPacking.BLOCK);
        out.writeLong(FastScanPacking.blockBytes(m2));
        for (int l = 0; l < lists.nlist(); l++) {
            out.writeLong(lists.size(l));
            out.writeBytes(lists.ids(l));
            MemorySegment codes = lists.codes(l);
            out.writeLong(codes.byteSize());
            out.writeBytes(codes);
        }
    }
}
