package dev.komsu;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the conformance suite reads from a factory string to choose its default expectations. */
final class Grammar {
    private static final Pattern IVF = Pattern.compile("(?:^|,)IVF(\\d+)(?:_HNSW\\d*)?,");

    private Grammar() {
    }

    /** The codec token: the string without its L2norm / IDMap prefixes, IVF token (with its quantiser) and RFlat suffix. */
    static String core(String factory) {
        String s = factory.replaceFirst("^L2norm,", "").replaceFirst("^IDMap2?,", "").replaceFirst(",RFlat$", "");
        return s.replaceFirst("^IVF\\d+(_HNSW\\d*)?,", "");
    }

    /** The IVF list count, 0 for exhaustive indexes. */
    static int nlist(String factory) {
        Matcher m = IVF.matcher(factory);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    static boolean idMapped(String factory) {
        return factory.replaceFirst("^L2norm,", "").startsWith("IDMap");
    }

    static boolean normalises(String factory) {
        return factory.startsWith("L2norm,");
    }

    /** {@code x / |x|}, as L2norm stores it (faiss's fvec_renorm_L2; a zero vector stays zero). */
    static float[] normalised(float[] x) {
        double s = 0;
        for (float v : x) s += v * v;
        float[] out = x.clone();
        if (s > 0) {
            float inv = (float) (1 / Math.sqrt(s));
            for (int j = 0; j < out.length; j++) out[j] *= inv;
        }
        return out;
    }

    /** A regular expression matching the factory strings of one form of {@link IndexFactory#FORMS}. */
    static String pattern(String form) {
        StringBuilder re = new StringBuilder();
        Matcher m = Pattern.compile("\\{(n|m|nbits|index)}").matcher(form);
        int at = 0;
        while (m.find()) {
            re.append(Pattern.quote(form.substring(at, m.start())));
            re.append(m.group(1).equals("index") ? ".+" : "\\d+");
            at = m.end();
        }
        return re.append(Pattern.quote(form.substring(at))).toString();
    }
}
