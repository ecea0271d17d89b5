package dev.komsu.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void writtenObjectsParseBackToTheSameValues() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "IVF1024,Flat \"quoted\"\n\\");
        m.put("qps", 1234.5);
        m.put("threads", 2);
        m.put("runs", List.of(1.0, 2.5));
        m.put("missing", null);
        m.put("ok", true);
        String line = Json.object(m);
        assertFalse(line.contains("\n"), line);
        Map<String, Object> back = Json.parseObject(line);
        assertEquals(List.copyOf(m.keySet()), List.copyOf(back.keySet()), "field order kept");
        assertEquals("IVF1024,Flat \"quoted\"\n\\", back.get("name"));
        assertEquals(1234.5, back.get("qps"));
        assertEquals(2.0, Json.number(back, "threads"));
        assertEquals(List.of(1.0, 2.5), back.get("runs"));
        assertTrue(back.containsKey("missing") && back.get("missing") == null);
        assertEquals(true, back.get("ok"));
    }

    @Test
    void nonFiniteNumbersAreWrittenAsNull() {
        assertEquals("{\"a\":null}", Json.object(Map.of("a", Double.NaN)));
        assertEquals("{\"b\":null}", Json.object(Map.of("b", Float.POSITIVE_INFINITY)));
        assertEquals("{\"c\":[1.0,null]}", Json.object(Map.of("c", Arrays.asList(1.0, Double.NEGATIVE_INFINITY))));
    }

    @Test
    void parsesPythonJsonDumpsOutput() {
        Map<String, Object> m = Json.parseObject("{\"faiss_version\": \"1.7.3\", \"qps_runs\": [94330.99, 9.6e4], \"k\": 10, \"e\": \"a\\u00e9\"}");
        assertEquals("1.7.3", m.get("faiss_version"));
        assertEquals(Arrays.asList(94330.99, 96000.0), m.get("qps_runs"));
        assertEquals(10.0, Json.number(m, "k"));
        assertEquals("a\u00e9", m.get("e"));
    }

    @Test
    void malformedTextIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parseObject("{\"a\": 1,}"));
        assertTrue(e.getMessage().startsWith("bad JSON") && e.getMessage().contains("column"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Json.parseObject("[1, 2]"));
        assertTrue(e.getMessage().contains("expected an object"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.parseObject("{\"a\": \"open"));
        e = assertThrows(IllegalArgumentException.class, () -> Json.number(Map.of("qps", "fast"), "qps"));
        assertTrue(e.getMessage().contains("'qps'"), e.getMessage());
    }

    /**
     * The schema holds: every row of the results folders kept in the repository (and, where this
     * machine has them, /work/results) reads into a ResultRow and writes back to the very same line,
     * field names, order and number spelling included; run.json and agreement.jsonl read and write
     * back unchanged.
     */
    @Test
    void storedResultFilesRoundTripToTheSameText() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path root : List.of(Path.of("results"), Path.of("/work/results"))) {
            if (!Files.isDirectory(root)) continue;
            try (Stream<Path> walk = Files.walk(root, 2)) {
                walk.filter(p -> p.getFileName().toString().matches(".*\\.jsonl|run\\.json")).sorted().forEach(files::add);
            }
        }
        assertTrue(files.stream().anyMatch(p -> p.startsWith("results") && p.endsWith("results.jsonl")),
                "bench/results holds at least one results.jsonl: " + files);
        int rows = 0;
        for (Path file : files) {
            boolean resultRows = List.of("komsu.jsonl", "faiss.jsonl", "results.jsonl", "jvector.jsonl")
                    .contains(file.getFileName().toString());
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank()) continue;
                Map<String, Object> m = Json.parseObject(line);
                String back;
                if (resultRows) {
                    Map<String, Object> extra = new LinkedHashMap<>(m);
                    extra.keySet().removeAll(ResultRow.FIELDS);
                    back = Json.object(ResultRow.fromFields(m).toFields(extra));
                    rows++;
                } else {
                    back = Json.object(m);
                }
                assertEquals(line, back, file.toString());
            }
        }
        assertTrue(rows > 0, "some result rows were checked");
    }
}
