package dev.komsu.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.TestData;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexFileHeaderTest {
    @TempDir
    Path dir;

    @Test
    void readsDimensionCountAndMetricWithoutLoadingTheIndex() throws Exception {
        try (Index index = IndexFactory.create(12, "IVF4,PQ4x4fs,RFlat", Metric.INNER_PRODUCT);
             FloatMatrix xs = TestData.uniform(300, 12, 3)) {
            index.train(xs);
            index.add(xs);
            Path f = dir.resolve("x.index");
            FaissIndexes.write(index, f);
            assertEquals(new IndexFileHeader(12, 300, Metric.INNER_PRODUCT), IndexFileHeader.read(f));
        }
    }

    @Test
    void aTruncatedFileNamesTheOffset() throws Exception {
        Path f = dir.resolve("short.index");
        Files.write(f, new byte[20]);
        assertEquals(20, assertThrows(IndexFormatException.class, () -> IndexFileHeader.read(f)).offset());
    }
}
