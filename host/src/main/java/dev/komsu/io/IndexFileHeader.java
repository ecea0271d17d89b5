package dev.komsu.io;

import dev.komsu.kernels.Metric;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The dimension, vector count and metric of a faiss index file, from the first 37 bytes every
 * index starts with (fourcc, then faiss's write_index_header: d as int32, ntotal as int64, two
 * unused int64, is_trained as one byte, metric_type as int32; little-endian), without reading
 * the rest: what a driver checks before it ships a large index anywhere.
 */
public record IndexFileHeader(int d, long ntotal, Metric metric) {
    public static IndexFileHeader read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(37).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (b.hasRemaining() && ch.read(b) >= 0) {
                // until 16 bytes or the end of the file
            }
        }
        if (b.hasRemaining()) throw new IndexFormatException(file, b.position(), "a 37-byte index header, found the end of the file");
        int d = b.getInt(4);
        if (d <= 0 || d > IndexHeader.MAX_DIMENSION) throw new IndexFormatException(file, 4, "a dimension d > 0, found " + d);
        long ntotal = b.getLong(8);
        if (ntotal < 0) throw new IndexFormatException(file, 8, "ntotal >= 0, found " + ntotal);
        int metricType = b.getInt(33);
        Metric metric = IndexHeader.metricOf(metricType);
        if (metric == null) {
            throw new IndexFormatException(file, 33, "metric type " + metricType + " is not supported: " + IndexHeader.READABLE_METRICS);
        }
        return new IndexFileHeader(d, ntotal, metric);
    }
}
