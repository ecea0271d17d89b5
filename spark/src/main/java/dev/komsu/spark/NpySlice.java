package dev.komsu.spark;

import dev.komsu.io.Npy;
import dev.komsu.kernels.FloatMatrix;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Rows {@code [from, from + count)} of one {@code .npy} query file, which have the query ids
 * {@code firstId ..}: the ids are row numbers over all files in order, as {@code komsu search}
 * numbers its output rows. A task maps the file (it must be at the same path on every executor:
 * a shared file system, or local mode) and copies its rows batch by batch.
 */
record NpySlice(String file, long from, long count, long firstId) implements Serializable {
    /** The slices of {@code files} ({@code rows[i]} rows each) for about {@code partitions} tasks. */
    static List<NpySlice> plan(List<Path> files, long[] rows, int partitions) {
        long total = 0;
        for (long r : rows) total += r;
        long per = Math.max(1, (total + partitions - 1) / partitions);
        List<NpySlice> out = new ArrayList<>();
        long id = 0;
        for (int f = 0; f < files.size(); f++) {
            for (long from = 0; from < rows[f]; from += per) {
                long n = Math.min(per, rows[f] - from);
                out.add(new NpySlice(files.get(f).toAbsolutePath().toString(), from, n, id));
                id += n;
            }
        }
        return out;
    }

    /** The batches of a partition's slices (one slice per partition as planned). */
    static Iterator<QueryBatch> batchesOf(int partition, Iterator<NpySlice> slices, int batch) {
        if (!slices.hasNext()) return java.util.Collections.emptyIterator();
        NpySlice s = slices.next();
        if (slices.hasNext()) throw new IllegalStateException("partition " + partition + " holds more than one .npy slice");
        return s.batches(partition, batch);
    }

    /**
     * This slice's rows as batches of at most {@code batch} queries, read one batch at a time
     * (the file mapped for each, so a task holds one batch, not its whole slice).
     */
    Iterator<QueryBatch> batches(int partition, int batch) {
        return new Iterator<>() {
            private long at;
            private int b;

            @Override
            public boolean hasNext() {
                return at < count;
            }

            @Override
            public QueryBatch next() {
                if (at >= count) throw new NoSuchElementException();
                int n = (int) Math.min(batch, count - at);
                try (FloatMatrix m = Npy.readMatrix(Path.of(file))) {
                    long[] ids = new long[n];
                    for (int i = 0; i < n; i++) ids[i] = firstId + at + i;
                    QueryBatch q = new QueryBatch(QueryBatch.key(partition, b++), ids, m.rowRange(from + at, n).toArray(), m.cols());
                    at += n;
                    return q;
                } catch (IOException e) {
                    throw new UncheckedIOException(file + ": " + e.getMessage(), e);
                }
            }
        };
    }
}
