package dev.komsu;

import dev.komsu.index.FastScanCodec;
import dev.komsu.index.FlatCodec;
import dev.komsu.index.FlatCodesIndex;
import dev.komsu.index.CoarseQuantizer;
import dev.komsu.index.FlatCoarseQuantizer;
import dev.komsu.index.FlatIndex;
import dev.komsu.index.HnswCoarseQuantizer;
import dev.komsu.index.HnswIndex;
import dev.komsu.index.IdMapIndex;
import dev.komsu.index.InputChecks;
import dev.komsu.index.IvfCodec;
import dev.komsu.index.IvfIndex;
import dev.komsu.index.L2NormIndex;
import dev.komsu.index.PqCodec;
import dev.komsu.index.RefineFlatIndex;
import dev.komsu.index.Sq8Codec;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.Metric;
import dev.komsu.quant.ProductQuantizer;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds indexes from faiss factory strings: comma-separated tokens, optional prefixes
 * {@code L2norm} and {@code IDMap}/{@code IDMap2}, then the index type, then an optional
 * {@code RFlat} refine suffix. An index type is a codec alone (exhaustive search: {@code Flat},
 * {@code PQ16}, {@code SQ8}) or {@code IVF{n},} followed by a codec, with faiss's
 * {@code IVF{n}_HNSW{M},} for an HNSW coarse quantiser. A new code type adds one branch to
 * {@link #codec}.
 */
public final class IndexFactory {
    /** The accepted grammar, quoted in every error. */
    public static final String GRAMMAR =
            "[L2norm,][IDMap,|IDMap2,](<codec> | IVF<nlist>[_HNSW<M>],<codec> | HNSW[<M>][,Flat|,SQ8])[,RFlat] with <codec> = Flat | PQ<M>[x<nbits>] | SQ8"
                    + " | PQ<M>x4fs"
                    + " (nbits 8 or 4)  e.g. \"Flat\", \"IVF1024,Flat\", \"IVF256,PQ32\", \"IVF64,SQ8\", \"PQ16x4\","
                    + " \"IVF1024,PQ64,RFlat\", \"IVF1024,PQ128x4fs,RFlat\", \"L2norm,IVF256,Flat\", \"HNSW32,SQ8\", \"IVF65536_HNSW32,PQ64x4fs\"";

    /**
     * Every form of factory string {@link #create} accepts, one per code path: {@code {n}} stands
     * for a list count, {@code {m}} for a sub-quantiser count, {@code {nbits}} for 8 or 4 and
     * {@code {index}} for any other form. A new form is added here and gets a row in the index
     * conformance suite ({@code IndexTestCase} in the tests), which fails while one has none.
     */
    public static final List<String> FORMS = List.of("Flat", "PQ{m}", "PQ{m}x{nbits}", "PQ{m}x4fs", "SQ8",
            "IVF{n},Flat", "IVF{n},PQ{m}", "IVF{n},PQ{m}x{nbits}", "IVF{n},PQ{m}x4fs", "IVF{n},SQ8",
            "{index},RFlat", "IDMap,{index}", "IDMap2,{index}", "L2norm,{index}",
            "HNSW{m}", "HNSW{m},Flat", "HNSW{m},SQ8",
            "IVF{n}_HNSW{m},Flat", "IVF{n}_HNSW{m},PQ{m}", "IVF{n}_HNSW{m},PQ{m}x4fs", "IVF{n}_HNSW{m},SQ8");

    /** "IVF{n}", or faiss's "IVF{n}_HNSW{M}" (an HNSW quantiser, M 32 when left out, as in faiss). */
    private static final Pattern IVF = Pattern.compile("IVF(\\d+)(?:_HNSW(\\d*))?");
    /**
     * faiss's graph index: over flat vectors "HNSW{M}", "HNSW{M},Flat" or faiss's older
     * "HNSW{M}_Flat", over SQ8 codes "HNSW{M},SQ8" (the token after it); M defaults to 32 when
     * left out, as in faiss's factory.
     */
    private static final Pattern HNSW = Pattern.compile("HNSW(\\d*)(_Flat)?");
    private static final int HNSW_DEFAULT_M = 32;
    private static final Pattern PQ = Pattern.compile("PQ(\\d+)(?:x(\\d+))?");
    /** 4-bit PQ FastScan, faiss's "PQ{M}x4fs": a codec whose lists are laid out in 32-vector blocks. */
    private static final Pattern PQ_FASTSCAN = Pattern.compile("PQ(\\d+)x4fs");

    private IndexFactory() {
    }

    /** An index on the shared default CPU backend. */
    public static Index create(int dim, String factory, Metric metric) {
        return create(dim, factory, metric, Backends.defaultCpu());
    }

    public static Index create(int dim, String factory, Metric metric, ComputeBackend backend) {
        if (dim <= 0) throw new IllegalArgumentException("dimension must be > 0, got " + dim);
        if (factory == null || factory.isBlank()) throw error("empty factory string", factory);
        List<String> tokens = List.of(factory.trim().split("\\s*,\\s*"));
        int i = 0;
        boolean normalize = false;
        String idMap = null;
        if (tokens.get(i).equals("L2norm")) {
            normalize = true;
            i++;
        }
        if (i < tokens.size() && (tokens.get(i).equals("IDMap") || tokens.get(i).equals("IDMap2"))) {
            idMap = tokens.get(i++);
        }
        if (i >= tokens.size()) throw error("missing the index type after '" + tokens.get(i - 1) + "'", factory);
        if (metric.isElementwise()) checkElementwise(tokens, i, metric, factory);
        Index core;
        String t = tokens.get(i);
        Matcher ivf = IVF.matcher(t);
        Matcher hnsw = HNSW.matcher(t);
        if (hnsw.matches()) {
            int m = hnswM(hnsw.group(1), t, factory);
            i++;
            String storage = hnsw.group(2) == null && i < tokens.size() ? tokens.get(i) : "";
            boolean sq8 = storage.equals("SQ8");
            if (sq8 || storage.equals("Flat")) i++;
            core = hnsw(dim, m, sq8, metric, backend, factory);
        } else if (ivf.matches()) {
            int nlist = parseCount(ivf.group(1), t, factory);
            if (i + 1 >= tokens.size()) throw error("'" + t + "' must be followed by a codec such as Flat", factory);
            String codecToken = tokens.get(i + 1);
            IvfCodec codec = codec(codecToken, dim, true, factory);
            if (codec == null) throw error("unknown or unsupported codec '" + codecToken + "' after '" + t + "'", factory);
            CoarseQuantizer quantizer = ivf.group(2) == null ? new FlatCoarseQuantizer(new FlatIndex(dim, metric, backend))
                    : new HnswCoarseQuantizer(hnsw(dim, hnswM(ivf.group(2), t, factory), false, metric, backend, factory));
            core = new IvfIndex(quantizer, nlist, codec);
            i += 2;
        } else if (t.equals("Flat")) {
            core = new FlatIndex(dim, metric, backend);
            i++;
        } else {
            IvfCodec codec = codec(t, dim, false, factory);
            if (codec == null) throw error("unknown token '" + t + "'", factory);
            core = new FlatCodesIndex(dim, metric, codec, backend);
            i++;
        }
        if (i < tokens.size() && tokens.get(i).equals("RFlat")) {
            core = new RefineFlatIndex(core, backend);
            i++;
        }
        if (i < tokens.size()) {
            core.close();
            throw error("unexpected token '" + tokens.get(i) + "' after the index type", factory);
        }
        Index index = core;
        if (idMap != null) index = new IdMapIndex(index, idMap.equals("IDMap2"));
        if (normalize) index = new L2NormIndex(index);
        return index;
    }

    /**
     * Fails, before anything is built, unless the index from {@code tokens[i]} on computes L1 /
     * L-infinity: "Flat" or "IVF{n},Flat", without a refine step (the index constructors check
     * too, for callers that build indexes by hand).
     */
    private static void checkElementwise(List<String> tokens, int i, Metric metric, String factory) {
        List<String> core = tokens.subList(i, tokens.size());
        boolean flat = core.equals(List.of("Flat"));
        boolean ivfFlat = core.size() == 2 && IVF.matcher(core.get(0)).matches() && core.get(1).equals("Flat");
        if (!flat && !ivfFlat) InputChecks.checkComputable(metric, "\"" + factory + "\"");
    }

    /**
     * The codec a token names, or null if none: for IVF lists ({@code inIvf}: by residual, as
     * faiss's factory makes them) or for an exhaustive index of codes (not by residual).
     */
    private static IvfCodec codec(String token, int dim, boolean inIvf, String factory) {
        if (token.equals("Flat") && inIvf) return new FlatCodec(dim);
        if (token.equals("SQ8")) return new Sq8Codec(dim, inIvf);
        Matcher fs = PQ_FASTSCAN.matcher(token);
        if (fs.matches()) {
            int m = parseCount(fs.group(1), token, factory);
            try {
                ProductQuantizer pq = new ProductQuantizer(dim, m, 4);
                // by_residual false: faiss's default for IndexIVFPQFastScan
                return inIvf ? FastScanCodec.ivf(pq, false) : FastScanCodec.flat(pq);
            } catch (IllegalArgumentException e) {
                throw error("'" + token + "': " + e.getMessage(), factory);
            }
        }
        Matcher pq = PQ.matcher(token);
        if (pq.matches()) {
            int m = parseCount(pq.group(1), token, factory);
            int nbits = pq.group(2) == null ? 8 : parseCount(pq.group(2), token, factory);
            if (nbits != 8 && nbits != 4) throw error("'" + token + "': PQ nbits must be 8 or 4, got " + nbits, factory);
            try {
                return new PqCodec(new ProductQuantizer(dim, m, nbits), inIvf);
            } catch (IllegalArgumentException e) {
                throw error("'" + token + "': " + e.getMessage(), factory);
            }
        }
        return null;
    }

    private static int hnswM(String digits, String token, String factory) {
        return digits.isEmpty() ? HNSW_DEFAULT_M : parseCount(digits, token, factory);
    }

    /** An HNSW index over flat vectors, or over SQ8 codes (faiss's IndexHNSWSQ, QT_8bit) when {@code sq8}. */
    private static HnswIndex hnsw(int dim, int m, boolean sq8, Metric metric, ComputeBackend backend, String factory) {
        try {
            return sq8 ? HnswIndex.sq8(dim, m, metric, backend) : new HnswIndex(dim, m, metric, backend);
        } catch (IllegalArgumentException e) {
            throw error("'HNSW" + m + (sq8 ? ",SQ8" : "") + "': " + e.getMessage(), factory);
        }
    }

    private static int parseCount(String digits, String token, String factory) {
        try {
            int n = Integer.parseInt(digits);
            if (n > 0) return n;
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw error("'" + token + "' needs a count between 1 and " + Integer.MAX_VALUE, factory);
    }

    private static IllegalArgumentException error(String what, String factory) {
        return new IllegalArgumentException("bad factory string \"" + factory + "\": " + what
                + ". Accepted: " + GRAMMAR);
    }

    /** RVC's list count: min(int(16 * sqrt(N)), N / 39), at least 1 (RVC's train_index). */
    public static int rvcNlist(long n) {
        long byRoot = (long) (16 * Math.sqrt(n));
        long byMin = n / 39;
        return (int) Math.max(1, Math.min(byRoot, byMin));
    }

}
