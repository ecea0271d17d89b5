package dev.komsu.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Debian's faiss searching index files, in one {@link DebianPython} process kept for the whole
 * test run: importing faiss costs most of a second, and the index conformance suite asks faiss
 * about hundreds of files. The process ends when the JVM does (its stdin closes).
 */
public final class DebianFaiss {
    /** Reads requests (tab-separated: index, queries, k, nprobe, kFactor, output prefix), answers "ok" or "error ...". */
    private static final String SERVER = """
            import sys, faiss, numpy as np
            faiss.omp_set_num_threads(1)
            def configure(idx, nprobe, k_factor):
                idx = faiss.downcast_index(idx)
                if isinstance(idx, faiss.IndexPreTransform) or isinstance(idx, faiss.IndexIDMap) or isinstance(idx, faiss.IndexIDMap2):
                    configure(idx.index, nprobe, k_factor)
                elif isinstance(idx, faiss.IndexRefine):
                    if k_factor > 0: idx.k_factor = k_factor
                    configure(idx.base_index, nprobe, k_factor)
                elif isinstance(idx, faiss.IndexIVF):
                    if nprobe > 0: idx.nprobe = nprobe
            for line in sys.stdin:
                try:
                    index, queries, k, nprobe, k_factor, out = line.rstrip('\\n').split('\\t')
                    idx = faiss.read_index(index)
                    configure(idx, int(nprobe), float(k_factor))
                    D, I = idx.search(np.load(queries), int(k))
                    np.save(out + '_D.npy', D)
                    np.save(out + '_I.npy', I)
                    print('ok', flush=True)
                except Exception as e:
                    print('error ' + repr(e).replace('\\n', ' '), flush=True)
            """;

    private static Process process;
    private static Writer requests;
    private static BufferedReader answers;

    private DebianFaiss() {
    }

    /** faiss's results for one search: labels and distances, row-major as {@code Neighbors} holds them. */
    public record Results(long[] labels, float[] distances) {
    }

    /** Skips the calling test, saying why, unless Debian's faiss can run. */
    public static void assumeAvailable() {
        DebianPython.assumeModules("faiss", "numpy");
    }

    /**
     * faiss's {@code read_index(index).search(np.load(queries), k)} with {@code nprobe} and
     * {@code k_factor} set on every IVF and refine level (0: left as the file stores it, as a
     * faiss search without parameters); writes {@code outPrefix_D.npy} and {@code _I.npy}
     * beside the caller's files.
     */
    public static synchronized Results search(Path index, Path queries, int k, int nprobe, float kFactor, Path outPrefix)
            throws IOException {
        if (process == null || !process.isAlive()) start();
        requests.write(String.join("\t", index.toAbsolutePath().toString(), queries.toAbsolutePath().toString(),
                Integer.toString(k), Integer.toString(nprobe), Float.toString(kFactor), outPrefix.toAbsolutePath().toString()) + "\n");
        requests.flush();
        String answer = answers.readLine();
        if (answer == null) throw new AssertionError("faiss's python process ended without answering for " + index);
        if (!answer.equals("ok")) throw new AssertionError("faiss could not search " + index + ": " + answer);
        return new Results(Npy.readLongs(Path.of(outPrefix + "_I.npy")), Npy.readFloats(Path.of(outPrefix + "_D.npy")));
    }

    private static void start() throws IOException {
        process = new ProcessBuilder(DebianPython.PYTHON.toString(), "-u", "-c", SERVER)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        requests = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }
}
