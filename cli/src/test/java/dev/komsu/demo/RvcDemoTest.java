package dev.komsu.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.io.FaissIndexes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RvcDemoTest {
    @Test
    void smallDemoReportsRecallAndWritesAReadableIndex(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Path file = dir.resolve("demo.index");
        int code = new CommandLine(new RvcDemo(new PrintStream(bytes, true, StandardCharsets.UTF_8)))
                .execute("--rows", "4000", "--queries", "100", "--dim", "32", "--threads", "1", "--output", file.toString());
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        assertTrue(text.contains("IVF" + IndexFactory.rvcNlist(4000) + ",Flat"), text);
        Matcher m = Pattern.compile("nprobe 8: recall@1 ([0-9.]+), recall@10 ([0-9.]+)").matcher(text);
        assertTrue(m.find(), text);
        // 8 of 102 lists on clustered data: far better than chance, not necessarily perfect.
        assertTrue(Double.parseDouble(m.group(1)) > 0.5, text);
        assertTrue(text.contains(file.toString()), text);
        try (Index index = FaissIndexes.read(file)) {
            assertEquals(4000, index.ntotal());
            assertEquals(32, index.dim());
        }
    }
}
