package dev.komsu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.komsu.Index;
import dev.komsu.io.FaissIndexes;
import dev.komsu.io.Npy;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.rvc.RvcReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real entry point, {@code scripts/komsu}, as a user runs it: from another folder, through
 * bash, with the JDK lookup and the exit codes. It runs on this test's class path
 * ({@code KOMSU_CLASSPATH}): the script's build-if-stale step would repackage the jars this JVM
 * has open.
 */
class KomsuScriptTest {
    @Test
    void scriptsKomsuBuildsAnIndexAndReportsBadInputWithExitCode2(@TempDir Path dir) throws Exception {
        Path bash = Path.of("/bin/bash");
        assumeTrue(Files.isExecutable(bash), "bash is not available at /bin/bash");
        Path script = Path.of("").toAbsolutePath().getParent().resolve("scripts/komsu"); // tests run in cli/
        assumeTrue(Files.isRegularFile(script), script + " not found (tests not run from the repository)");
        Path x = dir.resolve("x.npy");
        try (FloatMatrix m = FloatMatrix.of(RvcReference.random(100, 8, 1))) {
            Npy.write(x, m);
        }
        // One bash run, two komsu calls: a good build, then a missing input (exit 2, reported).
        String commands = "\"$0\" build --input x.npy --factory Flat --output x.index && "
                + "{ \"$0\" info nope.index; echo \"exit=$?\"; }";
        ProcessBuilder pb = new ProcessBuilder(bash.toString(), "-c", commands, script.toString())
                .directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("KOMSU_CLASSPATH", System.getProperty("java.class.path"));
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "scripts/komsu did not finish in 600 s");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        assertTrue(text.contains("built Flat over 100 x 8 vectors"), text);
        assertTrue(text.contains("no such file") && text.contains("exit=2"), text);
        try (Index index = FaissIndexes.read(dir.resolve("x.index"))) {
            assertEquals(100, index.ntotal());
            assertEquals(8, index.dim());
        }
    }
}
