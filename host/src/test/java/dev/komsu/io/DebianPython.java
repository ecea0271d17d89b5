package dev.komsu.io;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs Python snippets with Debian's interpreter, the one that has python3-numpy and
 * python3-faiss (the first python3 on PATH here cannot import them). Tests that need it are
 * skipped, with the reason, where it is missing.
 */
public final class DebianPython {
    public static final Path PYTHON = Path.of("/usr/bin/python3");

    private DebianPython() {
    }

    /** Skips the calling test unless {@code /usr/bin/python3} can import every module named. */
    public static void assumeModules(String... modules) {
        assumeTrue(Files.isExecutable(PYTHON), PYTHON + " is not installed");
        String imports = "import " + String.join(", ", modules);
        Result r = CHECKED.computeIfAbsent(imports, i -> run(i, Path.of(".")));
        assumeTrue(r.exitCode == 0, PYTHON + " cannot '" + imports + "': " + r.output.strip());
    }

    /** Import checks already made (importing faiss takes seconds). */
    private static final Map<String, Result> CHECKED = new ConcurrentHashMap<>();

    /** Runs {@code script} in {@code dir}; fails the test if it does not finish in 120 s. */
    public static Result run(String script, Path dir) {
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", script)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("python did not finish in 120 s: " + script);
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Runs {@code script} and fails the test, showing python's output, unless it exits with 0. */
    public static String runOk(String script, Path dir) {
        Result r = run(script, dir);
        if (r.exitCode != 0) throw new AssertionError("python failed (" + r.exitCode + "):\n" + r.output + "\nscript:\n" + script);
        return r.output;
    }

    public record Result(int exitCode, String output) {
    }
}
