package dev.komsu.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.komsu.cli.KomsuCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/**
 * Any argument list komsu's commands can be given: exit 0 or a clean refusal (exit 2, one line
 * of stderr), never an internal failure (exit 1) or a stack trace. The options come from the
 * commands' own picocli specs, so a new flag is fuzzed without touching this test. Paths are
 * drawn only from a fixture folder (inputs, outputs, a missing file, a folder, a corrupt file),
 * so no run writes outside it; every other value is fuzzed text or a boundary number.
 */
class CliArgumentsFuzzTest {
    private static final Path DIR;
    private static final List<Path> PATHS = new ArrayList<>();
    private static final java.util.regex.Pattern STACK_FRAME =
            java.util.regex.Pattern.compile("(?m)^\\tat [\\w$./]+\\((?:[\\w$]+\\.java:\\d+|Native Method|Unknown Source)\\)$");
    private static final String[] COMMANDS = {"build", "search", "blend", "info"};
    private static final String[] VALUES = {"0", "1", "-1", "2", "8", "64", "2147483647", "-2147483648", "400000000",
            "4e8", "1e30", "nan", "inf", "-inf", "0.5", "", " ", "abc", "l2", "ip", "cpu", "auto", "opencl", "Flat",
            "IVF4,Flat", "IVF4,PQ4x4fs,RFlat", "PQ4x4", "SQ8", "IDMap,Flat", "L2norm,Flat", "IVF100000,Flat", "PQ3", "HNSW32"};

    static {
        try {
            DIR = Files.createTempDirectory("komsu-cli-fuzz-");
            Runtime.getRuntime().addShutdownHook(new Thread(CliArgumentsFuzzTest::deleteFixtures));
            Path x = floats(DIR.resolve("x.npy"), 60, 8, 1);
            Path q = floats(DIR.resolve("q.npy"), 5, 8, 2);
            Path wide = floats(DIR.resolve("wide.npy"), 5, 9, 3);
            Path index = DIR.resolve("x.index");
            int rc = new CommandLine(new KomsuCli()).execute("build", "--input", x.toString(), "--factory", "IVF4,Flat",
                    "--output", index.toString());
            if (rc != 0) throw new IllegalStateException("fixture build exited " + rc);
            Path refine = DIR.resolve("refine.index");
            rc = new CommandLine(new KomsuCli()).execute("build", "--input", x.toString(), "--factory", "IVF4,Flat,RFlat",
                    "--output", refine.toString());
            if (rc != 0) throw new IllegalStateException("fixture build exited " + rc);
            Path corrupt = DIR.resolve("corrupt.index");
            byte[] b = Files.readAllBytes(index);
            b[b.length / 2] ^= 0x55;
            Files.write(corrupt, b);
            Path features = Files.createDirectories(DIR.resolve("features"));
            Files.copy(x, features.resolve("a.npy"));
            PATHS.addAll(List.of(x, q, wide, index, refine, corrupt, features, DIR.resolve("missing.npy"),
                    DIR.resolve("out.index"), DIR.resolve("D.npy"), DIR.resolve("I.npy"), DIR.resolve("out.npy"),
                    DIR.resolve("no/such/folder/o.npy")));
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static void deleteFixtures() {
        try (Stream<Path> s = Files.walk(DIR)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            System.err.println("could not delete the fuzz fixtures in " + DIR + ": " + e.getMessage());
        }
    }

    private static Path floats(Path file, int rows, int cols, int seed) throws IOException {
        java.util.Random rnd = new java.util.Random(seed);
        ByteBuffer data = ByteBuffer.allocate(rows * cols * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows * cols; i++) data.putFloat((float) rnd.nextGaussian() + i / cols % 4);
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        StringBuilder h = new StringBuilder(header);
        while ((10 + h.length() + 1) % 64 != 0) h.append(' ');
        h.append('\n');
        ByteBuffer out = ByteBuffer.allocate(10 + h.length() + data.capacity()).order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) 0x93).put("NUMPY".getBytes()).put((byte) 1).put((byte) 0).putShort((short) h.length());
        out.put(h.toString().getBytes()).put(data.array());
        Files.write(file, out.array());
        return file;
    }

    private static String value(FuzzedDataProvider data, ArgSpec arg) {
        if (arg.type() == Path.class) return data.pickValue(PATHS).toString();
        return switch (data.consumeInt(0, 3)) {
            case 0 -> Integer.toString(data.consumeInt());
            case 1 -> Float.toString(data.consumeFloat());
            case 2 -> data.consumeAsciiString(12).replace('/', '_'); // never a path outside the fixture folder
            default -> data.pickValue(VALUES);
        };
    }

    @FuzzTest(maxDuration = "24h") // fuzzing mode only; scripts/fuzz stops it after N minutes
    void anyArgumentsExitCleanly(FuzzedDataProvider data) throws IOException {
        CommandLine cli = new CommandLine(new KomsuCli());
        String command = data.pickValue(COMMANDS);
        CommandLine sub = cli.getSubcommands().get(command);
        List<OptionSpec> options = sub.getCommandSpec().options();
        List<String> args = new ArrayList<>(List.of(command));
        int n = data.consumeInt(0, 10);
        for (int i = 0; i < n; i++) {
            OptionSpec o = data.pickValue(options);
            if (o.usageHelp() || o.versionHelp()) continue;
            args.add(o.longestName());
            if (o.arity().max() > 0) args.add(value(data, o));
        }
        for (var p : sub.getCommandSpec().positionalParameters()) if (data.consumeBoolean()) args.add(value(data, p));
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));
        int rc = cli.execute(args.toArray(String[]::new));
        String stderr = err.toString();
        // a stack frame line, not a fuzzed value echoed in a message (the fuzzer once passed "\tat ")
        if (rc == 1 || STACK_FRAME.matcher(stderr).find() || (rc != 0 && rc != 2)) {
            throw new AssertionError("komsu " + String.join(" ", args) + " -> exit " + rc + "\n" + stderr);
        }
        try (Stream<Path> s = Files.list(DIR)) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") && name.endsWith(".tmp")) throw new AssertionError("temp file left: " + p);
                if (!PATHS.contains(p)) Files.delete(p); // outputs of a successful run: start clean
            }
        }
        for (Path out : List.of(DIR.resolve("out.index"), DIR.resolve("D.npy"), DIR.resolve("I.npy"), DIR.resolve("out.npy"))) {
            Files.deleteIfExists(out);
        }
    }
}
