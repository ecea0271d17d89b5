package dev.komsu.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.SearchParams;
import dev.komsu.io.Npy;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Neighbors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Replicated jobs on local[2] return what komsu's own search returns on the same index and queries. */
class SparkSearchReplicatedTest {
    @TempDir
    Path out;

    static void assertSameNeighbours(Neighbors expected, Neighbors actual) {
        assertArrayEquals(expected.labels(), actual.labels());
        float[] e = expected.distances();
        float[] a = actual.distances();
        for (int i = 0; i < e.length; i++) {
            assertTrue(Math.abs(e[i] - a[i]) <= 1e-6 * Math.max(1f, Math.abs(e[i])), "distance " + i + ": " + e[i] + " vs " + a[i]);
        }
    }

    @ParameterizedTest(name = "{0} nprobe={1} kFactor={2}")
    @CsvSource({"'IVF32,Flat', 4, 1", "'IVF32,PQ8x4fs,RFlat', 3, 4"})
    void npyQueriesGiveKomsuSearchsResult(String factory, int nprobe, float kFactor) throws Exception {
        Path index = TestSpark.index("rep-" + factory.replace(',', '_') + ".index", factory);
        SearchSpec spec = SearchSpec.of(10).withNprobe(nprobe).withKFactor(kFactor).withBatch(64);
        try (SparkSearch search = SparkSearch.open(TestSpark.session(), index, 3)) {
            List<Row> rows = search.search(QuerySet.npy(TestSpark.queries()), spec).collectAsList();
            assertEquals(TestSpark.NQ, rows.size());
            Neighbors expected = TestSpark.komsuSearch(index, SearchParams.builder().nprobe(nprobe).kFactor(kFactor).build(), 10);
            assertSameNeighbours(expected, TestSpark.byId(rows, 10));
            assertTrue(search.timings().size() >= 3, () -> "one timing per task: " + search.timings());
        }
    }

    /** A DataFrame with its own ids (here: 1000 + row) and array<float> vectors, the index shipped with SparkFiles. */
    @Test
    void dataFrameQueriesKeepTheirIdsAndShippedIndexesWork() throws Exception {
        Path index = TestSpark.index("rep-shipped.index", "IVF32,Flat");
        SparkSession spark = TestSpark.session();
        List<Row> input = new ArrayList<>();
        try (FloatMatrix q = Npy.readMatrix(TestSpark.queries())) {
            for (int i = 0; i < q.rows(); i++) {
                List<Float> v = new ArrayList<>();
                for (float x : q.row(i)) v.add(x);
                input.add(RowFactory.create(1000L + i, v));
            }
        }
        StructType schema = new StructType().add("qid", DataTypes.LongType).add("emb", DataTypes.createArrayType(DataTypes.FloatType));
        Dataset<Row> frame = spark.createDataFrame(input, schema).repartition(3);
        try (SparkSearch search = SparkSearch.open(spark, index, 0, true)) {
            List<Row> rows = search.search(QuerySet.of(frame, "qid", "emb"), SearchSpec.of(5).withNprobe(2).withBatch(50)).collectAsList();
            assertSameNeighbours(TestSpark.komsuSearch(index, SearchParams.builder().nprobe(2).build(), 5), TestSpark.byId(rows, 5, 1000));
        }
    }

    /** The command's Parquet folder and .npy pair, read back: the .npy pair is komsu search's. */
    @Test
    void commandWritesParquetAndTheNpyPairInQueryOrder() throws Exception {
        Path index = TestSpark.index("rep-" + "IVF32_Flat" + ".index", "IVF32,Flat");
        Path parquet = out.resolve("result");
        java.io.StringWriter o = new java.io.StringWriter();
        java.io.StringWriter e = new java.io.StringWriter();
        TestSpark.session();
        int code = new picocli.CommandLine(new SparkSearchCommand(new java.io.PrintWriter(o, true), new java.io.PrintWriter(e, true)))
                .execute("--index", index.toString(), "--queries", TestSpark.queries().toString(), "--k", "7", "--nprobe", "3",
                        "--partitions", "2", "--output", parquet.toString(), "--out-distances", out.resolve("D.npy").toString(),
                        "--out-labels", out.resolve("I.npy").toString());
        assertEquals(0, code, () -> o + "\n" + e);
        assertTrue(o.toString().contains("searched 300 queries"), o::toString);
        assertTrue(Files.isDirectory(parquet));
        Neighbors expected = TestSpark.komsuSearch(index, SearchParams.builder().nprobe(3).build(), 7);
        assertArrayEquals(expected.labels(), Npy.readLongs(out.resolve("I.npy")));
        assertSameNeighbours(expected, new Neighbors(300, 7, Npy.readFloats(out.resolve("D.npy")), Npy.readLongs(out.resolve("I.npy"))));
        assertEquals(300, TestSpark.session().read().parquet(parquet.toString()).count());
    }
}
