package dev.komsu.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        assertTrue(!line.contains("\n"), line);
        Map<String, Object> back = Json.parseObject(line);
        assertEquals("IVF1024,Flat \"quoted\"\n\\", back.get("name"));
        assertEquals(1234.5, back.get("qps"));
        assertEquals(2.0, back.get("threads"));
        assertEquals(List.of(1.0, 2.5), back.get("runs"));
        assertTrue(back.containsKey("missing") && back.get("missing") == null);
        assertEquals(true, back.get("ok"));
    }

    @Test
    void nonFiniteNumbersAreWrittenAsNull() {
        assertEquals("{\"a\":null}", Json.object(Map.of("a", Double.NaN)));
        assertEquals("{\"b\":null}", Json.object(Map.of("b", Float.POSITIVE_INFINITY)));
    }

    @Test
    void parsesPythonJsonDumpsOutput() {
        Map<String, Object> m = Json.parseObject("{\"faiss_version\": \"1.7.3\", \"qps_runs\": [94330.99, 9.6e4], \"k\": 10, \"e\": \"a\\u00e9\"}");
        assertEquals("1.7.3", m.get("faiss_version"));
        assertEquals(Arrays.asList(94330.99, 96000.0), m.get("qps_runs"));
        assertEquals("a\u00e9", m.get("e"));
    }

    @Test
    void malformedTextNamesThePosition() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parseObject("{\"a\": 1,}"));
        assertTrue(e.getMessage().contains("character"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.parseObject("[1, 2]"));
        assertThrows(IllegalArgumentException.class, () -> Json.parseObject("{\"a\": \"open"));
    }
}
