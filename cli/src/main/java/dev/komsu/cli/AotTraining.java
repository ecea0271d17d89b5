package dev.komsu.cli;

import dev.komsu.io.Npy;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * The training run behind the CLI's start-up cache ({@code scripts/lib/cli.sh}: JDK 25's
 * {@code -XX:AOTCacheOutput}): runs the commands users run most (build, search, blend, info,
 * devices) on a small generated data set in a temporary folder, so the classes they load and
 * the methods they compile are in the cache. Deletes what it wrote.
 */
public final class AotTraining {
    private static final int ROWS = 4000;
    private static final int DIM = 64;

    private AotTraining() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("komsu-aot-");
        try {
            train(dir);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    private static void train(Path dir) throws IOException {
        SplittableRandom r = new SplittableRandom(42);
        float[] base = new float[ROWS * DIM];
        for (int i = 0; i < base.length; i++) base[i] = (float) r.nextGaussian();
        float[] queries = new float[200 * DIM];
        for (int i = 0; i < queries.length; i++) queries[i] = (float) r.nextGaussian();
        Path x = dir.resolve("x.npy");
        Path q = dir.resolve("q.npy");
        Npy.writeFloats(x, base, ROWS, DIM);
        Npy.writeFloats(q, queries, 200, DIM);
        String ivf = dir.resolve("ivf.index").toString();
        String fs = dir.resolve("fs.index").toString();
        run("build", "--input", x.toString(), "--factory", "IVF64,Flat", "--output", ivf);
        run("build", "--input", x.toString(), "--factory", "IVF16,PQ16x4fs,RFlat", "--output", fs);
        for (String index : new String[] {ivf, fs}) {
            for (String backend : new String[] {"cpu", "auto"}) {
                run("search", "--index", index, "--queries", q.toString(), "--k", "8", "--nprobe", "1",
                        "--backend", backend, "--out-distances", dir.resolve("d.npy").toString(),
                        "--out-labels", dir.resolve("i.npy").toString());
            }
            run("info", index);
        }
        run("blend", "--index", ivf, "--features", q.toString(), "--output", dir.resolve("b.npy").toString());
        run("devices");
    }

    private static void run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new KomsuCli());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        int code = cli.execute(args);
        if (code != 0) throw new IllegalStateException("training step " + String.join(" ", args) + " exited " + code + ": " + out);
    }
}
