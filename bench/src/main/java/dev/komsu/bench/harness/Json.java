package dev.komsu.bench.harness;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The harness's JSON, through jackson-jr: one object per line out (JSON lines: komsu.jsonl,
 * faiss.jsonl, results.jsonl, run.json), and reading those files and the lines
 * {@code compare_faiss.py} prints. Read values are String, Integer/Long/BigInteger (whole
 * numbers), Double, Boolean, null, List and Map (in the file's field order); downstream scripts
 * read the field names, so writers keep them and their order.
 */
public final class Json {
    // Field order is part of the files' look; jackson-jr keeps it (LinkedHashMap) by default, said here so it stays.
    // Null fields ("error":null, "r1_at_1":null) are part of the schema: jackson-jr drops them unless told.
    private static final JSON JSON_LINES = JSON.std.with(JSON.Feature.PRESERVE_FIELD_ORDERING, JSON.Feature.WRITE_NULL_PROPERTIES)
            .without(JSON.Feature.PRETTY_PRINT_OUTPUT);

    private Json() {
    }

    /** Writes {@code fields} as one JSON object on one line; numbers that are NaN or infinite become null. */
    public static String object(Map<String, ?> fields) {
        try {
            return JSON_LINES.asString(finite(fields));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write as JSON: " + e.getMessage(), e);
        }
    }

    /** Parses one JSON object; a malformed text raises IllegalArgumentException naming the line and column. */
    public static Map<String, Object> parseObject(String text) {
        Object v;
        try {
            v = JSON_LINES.anyFrom(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new IllegalArgumentException("bad JSON" + (at == null ? "" : " at column " + at.getColumnNr())
                    + ": " + e.getOriginalMessage().lines().findFirst().orElse("") + " in: " + shortened(text), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("bad JSON: " + e.getMessage() + " in: " + shortened(text), e);
        }
        if (!(v instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("bad JSON: expected an object, got "
                    + (v == null ? "null" : v.getClass().getSimpleName()) + " in: " + shortened(text));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, x) -> out.put((String) k, x));
        return out;
    }

    private static String shortened(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    /** A whole number or a decimal read back as a double (jackson-jr reads "10" as an Integer). */
    public static double number(Map<String, Object> m, String field) {
        Object v = m.get(field);
        if (v instanceof Number n) return n.doubleValue();
        if (v == null) return Double.NaN;
        throw new IllegalArgumentException("field '" + field + "' must be a number, got '" + v + "'");
    }

    /** JSON has no NaN: non-finite numbers become null, as the files have always had them. */
    private static Object finite(Object v) {
        return switch (v) {
            case Double d when !Double.isFinite(d) -> null;
            case Float f when !Float.isFinite(f) -> null;
            case Map<?, ?> map -> {
                Map<String, Object> m = new LinkedHashMap<>();
                map.forEach((k, x) -> m.put(String.valueOf(k), finite(x)));
                yield m;
            }
            case List<?> list -> {
                List<Object> l = new ArrayList<>(list.size());
                for (Object x : list) l.add(finite(x));
                yield l;
            }
            case null, default -> v;
        };
    }
}
