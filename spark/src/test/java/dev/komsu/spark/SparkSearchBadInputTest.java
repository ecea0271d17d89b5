package dev.komsu.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.io.Npy;
import dev.komsu.io.NpyDtype;
import dev.komsu.io.NpyWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Bad input through the command: exit 2, one clear line on stderr, and no output folder. */
class SparkSearchBadInputTest {
    @TempDir
    Path dir;
    @TempDir
    Path tables; // inputs made by Spark, outside the folder whose listing must not change

    private void rejects(String expected, String... args) throws Exception {
        TestSpark.session();
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        List<Path> before = listing();
        int code = new CommandLine(new SparkSearchCommand(new PrintWriter(o, true), new PrintWriter(e, true))).execute(args);
        assertEquals(2, code, () -> Arrays.toString(args) + "\n" + o + "\n" + e);
        assertTrue(e.toString().contains(expected), () -> "stderr should name '" + expected + "': " + e);
        assertEquals(1, e.toString().lines().count(), e::toString);
        assertEquals(before, listing(), "nothing written");
    }

    private List<Path> listing() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    private String[] args(Path index, Path queries) {
        return new String[] {"--index", index.toString(), "--queries", queries.toString(), "--k", "5",
                "--output", dir.resolve("out").toString()};
    }

    @Test
    void anEmptyQuerySetIsRefused() throws Exception {
        Path empty = dir.resolve("empty.npy");
        try (NpyWriter w = NpyWriter.create(empty, NpyDtype.FLOAT32, 0, TestSpark.D)) {
            w.commit();
        }
        rejects("query set is empty", args(TestSpark.index("bad.index", "IVF8,Flat"), empty));
    }

    @Test
    void npyQueriesOfAnotherDimensionAreRefusedBeforeTheJob() throws Exception {
        Path q = dir.resolve("q7.npy");
        Npy.writeFloats(q, new float[14], 2, 7);
        rejects("dimension mismatch: the queries have d=7, the index d=16", args(TestSpark.index("bad.index", "IVF8,Flat"), q));
    }

    @Test
    void aParquetRowOfAnotherLengthFailsTheJobNamingItsId() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            List<Float> v = new ArrayList<>();
            for (int j = 0; j < (i == 13 ? 15 : TestSpark.D); j++) v.add((float) j);
            rows.add(RowFactory.create((long) i, v));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType).add("vector", DataTypes.createArrayType(DataTypes.FloatType));
        Path table = tables.resolve("q.parquet");
        TestSpark.session().createDataFrame(rows, schema).coalesce(1).write().parquet(table.toString());
        rejects("query id 13 has 15 values, the index has d=16", args(TestSpark.index("bad.index", "IVF8,Flat"), table));
    }

    @Test
    void aMissingIndexIsRefused() throws Exception {
        rejects("no such file or shard folder", args(dir.resolve("none.index"), TestSpark.queries()));
    }

    @Test
    void anExistingOutputIsRefused() throws Exception {
        Files.createDirectory(dir.resolve("out"));
        rejects("exists already", args(TestSpark.index("bad.index", "IVF8,Flat"), TestSpark.queries()));
        assertFalse(Files.exists(dir.resolve("out").resolve("_SUCCESS")));
    }
}
