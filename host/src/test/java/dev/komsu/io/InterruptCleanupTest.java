package dev.komsu.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 14: SIGTERM during {@code komsu search} left {@code .D.npy.<hex>.tmp} litter. A JVM
 * stopped by SIGTERM or SIGINT while atomic outputs are open must leave the folder as it was.
 */
class InterruptCleanupTest {
    @TempDir
    Path dir;

    /** Opens two atomic .npy outputs, writes part of them, says "ready" and waits to be stopped. */
    public static final class HalfWrittenOutputs {
        public static void main(String[] args) throws Exception {
            Path folder = Path.of(args[0]);
            NpyWriter d = NpyWriter.create(folder.resolve("D.npy"), NpyDtype.FLOAT32, 1000, 10);
            NpyWriter i = NpyWriter.create(folder.resolve("I.npy"), NpyDtype.INT64, 1000, 10);
            d.writeFloats(new float[100], 0, 100);
            i.writeLongs(new long[100], 0, 100);
            System.out.println("ready");
            System.out.flush();
            Thread.sleep(60_000);
            System.exit(3); // not reached when stopped
        }
    }

    private List<Path> listing() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT"})
    @Timeout(60)
    void aSignalDuringWritingLeavesNoTemporaryFiles(String signal) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                HalfWrittenOutputs.class.getName(), dir.toString()).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("ready", out.readLine());
            assertEquals(2, listing().size(), "two temporary files while writing: " + listing());
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
            assertEquals(0, kill.waitFor());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the JVM did not stop on SIG" + signal);
            assertNotEquals(3, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
        assertEquals(List.of(), listing(), "left behind after SIG" + signal);
    }
}
