package dev.komsu.bench;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Python with Debian's interpreter, the one that has python3-numpy and python3-faiss (the
 * first python3 on PATH here cannot import them), for the bench tests; where it or a module is
 * missing the calling test is skipped with the reason. (host's tests have their own copy: test
 * classes are not shared between modules.)
 */
public final class DebianPython {
    public static final Path PYTHON = Path.of("/usr/bin/python3");

    private DebianPython() {
    }

    /** Skips the calling test unless {@code /usr/bin/python3} can import every module named. */
    public static void assumeModules(String... modules) {
        assumeTrue(Files.isExecutable(PYTHON), PYTHON + " is not installed");
        String imports = "import " + String.join(", ", modules);
        Result r = run(List.of(PYTHON.toString(), "-c", imports));
        assumeTrue(r.exitCode() == 0, PYTHON + " cannot '" + imports + "': " + r.output().strip());
    }

    /** Runs {@code command}; fails the test if it does not finish in 120 s. stderr is merged into the output. */
    public static Result run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("did not finish in 120 s: " + command);
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Runs a Python snippet and returns its output; fails the test, showing the output, on a non-zero exit. */
    public static String runOk(String script) {
        Result r = run(List.of(PYTHON.toString(), "-c", script));
        if (r.exitCode() != 0) throw new AssertionError("python failed (" + r.exitCode() + "):\n" + r.output() + "\nscript:\n" + script);
        return r.output();
    }

    /** The repository's folder (the one holding scripts/), found upwards from the working directory. */
    public static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("scripts/compare_faiss.py"))) return p;
        }
        throw new AssertionError("no scripts/compare_faiss.py above " + Path.of("").toAbsolutePath());
    }

    public record Result(int exitCode, String output) {
    }
}
