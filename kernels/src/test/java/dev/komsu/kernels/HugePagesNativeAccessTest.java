package dev.komsu.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * {@link HugePages} maps huge pages only where the JVM granted native access, so a library user
 * without {@code --enable-native-access} gets plain memory and no restricted-method warning
 * (JEP 472). Checked in child JVMs: the test JVM itself runs with the flag.
 */
class HugePagesNativeAccessTest {
    @Test
    void withoutNativeAccessAllocatePrintsNoWarningAndUsesPlainMemory() throws Exception {
        Result r = probe(List.of());
        assertEquals(0, r.exit, r.stderr);
        assertFalse(r.stderr.toLowerCase(Locale.ROOT).contains("restricted method"), r.stderr);
        assertEquals("available=false", r.stdout.strip(), r.stderr);
    }

    @Test
    void withNativeAccessAllocateMapsHugePagesOnLinux() throws Exception {
        assumeTrue(System.getProperty("os.name", "").startsWith("Linux"), "mmap / madvise are Linux-only here");
        Result r = probe(List.of("--enable-native-access=ALL-UNNAMED"));
        assertEquals(0, r.exit, r.stderr);
        assertFalse(r.stderr.toLowerCase(Locale.ROOT).contains("restricted method"), r.stderr);
        assertEquals("available=true", r.stdout.strip(), r.stderr);
    }

    private record Result(int exit, String stdout, String stderr) {
    }

    private static Result probe(List<String> flags) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(flags);
        cmd.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"), HugePagesProbe.class.getName()));
        Path err = Files.createTempFile("hugepages-probe", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = p.waitFor();
            return new Result(exit, out, Files.readString(err));
        } finally {
            Files.delete(err);
        }
    }
}
