package dev.komsu;

import dev.komsu.index.FlatCodec;
import dev.komsu.index.FlatIndex;
import dev.komsu.index.IdMapIndex;
import dev.komsu.index.IvfIndex;
import dev.komsu.index.L2NormIndex;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.Metric;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds indexes from faiss factory strings: comma-separated tokens, optional prefixes
 * {@code L2norm} and {@code IDMap}/{@code IDMap2}, then {@code Flat} or {@code IVF{n},Flat}.
 */
public final class IndexFactory {
    /** The accepted grammar, quoted in every error. */
    public static final String GRAMMAR =
            "[L2norm,][IDMap,|IDMap2,](Flat | IVF<nlist>,Flat)  e.g. \"Flat\", \"IVF1024,Flat\", \"IDMap,Flat\", \"L2norm,IVF256,Flat\"";

    private static final Pattern IVF = Pattern.compile("IVF(\\d+)");

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
        Index core;
        String t = tokens.get(i);
        Matcher ivf = IVF.matcher(t);
        if (t.equals("Flat")) {
            core = new FlatIndex(dim, metric, backend);
            i++;
        } else if (ivf.matches()) {
            int nlist = parseCount(ivf.group(1), t, factory);
            if (i + 1 >= tokens.size()) throw error("'" + t + "' must be followed by a codec such as Flat", factory);
            String codec = tokens.get(i + 1);
            if (!codec.equals("Flat")) throw error("unknown or unsupported codec '" + codec + "' after '" + t + "'", factory);
            core = new IvfIndex(dim, nlist, metric, new FlatCodec(dim), backend);
            i += 2;
        } else {
            throw error("unknown token '" + t + "'", factory);
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

    private static int parseCount(String digits, String token, String factory) {
        try {
            int n = Integer.parseInt(digits);
            if (n > 0) return n;
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw error("'" + token + "' needs a list count between 1 and " + Integer.MAX_VALUE, factory);
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
