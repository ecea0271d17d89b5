package dev.komsu.cli;

import dev.komsu.io.AtomicFileOutput;
import dev.komsu.kernels.Neighbors;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Results as one line per query (see {@link ResultFormat} for the text and jsonl layouts), to
 * stdout or to a file written atomically. Distances print as Java's shortest round-trip float
 * text, so parsing them back as float32 gives the npy output's values exactly.
 */
final class LineResultWriter implements ResultWriter {
    private final ResultFormat format;
    private final int k;
    private final AtomicFileOutput file; // null: stdout
    private final Writer writer;
    private final String destination;
    private long query;

    private LineResultWriter(ResultFormat format, int k, AtomicFileOutput file, Writer writer, String destination) {
        this.format = format;
        this.k = k;
        this.file = file;
        this.writer = writer;
        this.destination = destination;
    }

    static LineResultWriter toStdout(ResultFormat format, int k, PrintWriter out) {
        return new LineResultWriter(format, k, null, out, "stdout");
    }

    static LineResultWriter toFile(ResultFormat format, int k, Path target) throws IOException {
        AtomicFileOutput file = AtomicFileOutput.create(target);
        Writer w = new BufferedWriter(Channels.newWriter(file.channel(), StandardCharsets.UTF_8), 1 << 16);
        return new LineResultWriter(format, k, file, w, target.toString());
    }

    @Override
    public void write(Neighbors batch) throws IOException {
        float[] d = batch.distances();
        long[] l = batch.labels();
        StringBuilder s = new StringBuilder();
        for (int row = 0; row < d.length / k; row++, query++) {
            s.setLength(0);
            int at = row * k;
            if (format == ResultFormat.JSONL) {
                s.append("{\"query\":").append(query).append(",\"labels\":[");
                for (int j = 0; j < k; j++) s.append(j > 0 ? "," : "").append(l[at + j]);
                s.append("],\"distances\":[");
                for (int j = 0; j < k; j++) s.append(j > 0 ? "," : "").append(jsonNumber(d[at + j]));
                s.append("]}\n");
            } else {
                s.append(query).append('\t');
                for (int j = 0; j < k; j++) s.append(j > 0 ? " " : "").append(l[at + j]);
                s.append('\t');
                for (int j = 0; j < k; j++) s.append(j > 0 ? " " : "").append(d[at + j]);
                s.append('\n');
            }
            writer.write(s.toString());
        }
    }

    /** JSON has no infinity (a squared L2 distance can overflow float32): null there. */
    private static String jsonNumber(float v) {
        return Float.isFinite(v) ? Float.toString(v) : "null";
    }

    @Override
    public void commit() throws IOException {
        writer.flush();
        if (file != null) file.commit();
    }

    @Override
    public String destination() {
        return destination;
    }

    @Override
    public void close() {
        if (file != null) file.close(); // deletes the temporary file unless committed
    }
}
