package dev.komsu.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.SearchParams;
import dev.komsu.index.FlatCodesIndex;
import dev.komsu.index.IvfIndex;
import dev.komsu.index.PqCodec;
import dev.komsu.index.RefineFlatIndex;
import dev.komsu.index.Sq8Codec;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** IVF-PQ, IVF-SQ8, PQ, SQ8 and RFlat files: faiss's load in komsu with faiss's results, komsu's load in faiss. */
class QuantizedFormatsInteropTest {
    private static final int K = 8;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"ivf64_pq16, 1", "ivf64_pq16, 8", "ivf64_sq8, 1", "ivf64_sq8, 8"})
    void faissFileReproducesFaissResults(String name, int nprobe) throws IOException {
        try (LoadedIndex loaded = FaissIndexes.load(InteropFiles.file(name + ".index"), Backends.defaultCpu());
             FloatMatrix queries = Npy.readMatrix(InteropFiles.file("queries.npy"))) {
            IvfIndex ivf = assertInstanceOf(IvfIndex.class, loaded.index());
            assertEquals(64, ivf.nlist());
            assertEquals(5000, ivf.ntotal());
            if (name.contains("pq")) {
                PqCodec c = assertInstanceOf(PqCodec.class, ivf.codec());
                assertEquals(16, c.productQuantizer().m());
                assertEquals(8, c.productQuantizer().nbits());
                assertTrue(c.byResidual());
            } else {
                assertTrue(assertInstanceOf(Sq8Codec.class, ivf.codec()).byResidual());
            }
            Neighbors r = ivf.search(queries, K, SearchParams.builder().nprobe(nprobe).build());
            String base = name + "_nprobe" + nprobe;
            ApproximateResults.assertMatch(Npy.readLongs(InteropFiles.file(base + "_I.npy")),
                    Npy.readFloats(InteropFiles.file(base + "_D.npy")), r, base);
        }
    }

    @Test
    void perListResidualTablesAlsoReproduceFaissIvfPq() throws IOException {
        try (Index index = FaissIndexes.read(InteropFiles.file("ivf64_pq16.index"));
             FloatMatrix queries = Npy.readMatrix(InteropFiles.file("queries.npy"))) {
            ((PqCodec) ((IvfIndex) index).codec()).setUsePrecomputedTable(false);
            Neighbors r = index.search(queries, K, SearchParams.builder().nprobe(8).build());
            ApproximateResults.assertMatch(Npy.readLongs(InteropFiles.file("ivf64_pq16_nprobe8_I.npy")),
                    Npy.readFloats(InteropFiles.file("ivf64_pq16_nprobe8_D.npy")), r, "per-list tables");
        }
    }

    @ParameterizedTest
    @CsvSource({"ivf64_pq16.index", "ivf64_sq8.index"})
    void rewritingFaissFilesGivesTheSameBytes(String name) throws IOException {
        Path original = InteropFiles.file(name);
        Path copy = tmp.resolve(name);
        try (LoadedIndex loaded = FaissIndexes.load(original, Backends.defaultCpu())) {
            FaissIndexes.write(loaded.index(), copy, loaded.storedParams());
        }
        assertEquals(-1, Files.mismatch(original, copy), name + " is rewritten byte for byte");
    }

    @ParameterizedTest
    @CsvSource({
        "'IVF32,PQ8', L2, 4",
        "'IVF32,PQ32x4', INNER_PRODUCT, 4",
        "'IVF32,SQ8', INNER_PRODUCT, 4",
        "'PQ8', L2, 1",
        "'SQ8', L2, 1",
        "'IVF32,PQ8,RFlat', L2, 4",
    })
    void komsuFilesOpenInFaissWithTheSameResults(String factory, Metric metric, int nprobe) throws IOException {
        DebianPython.assumeModules("faiss", "numpy");
        Path file = tmp.resolve("komsu.index");
        try (FloatMatrix data = Npy.readMatrix(InteropFiles.file("data.npy"));
             FloatMatrix all = Npy.readMatrix(InteropFiles.file("queries.npy"));
             FloatMatrix queries = all.rowRange(0, 50).copy();
             Index index = IndexFactory.create(256, factory, metric)) {
            try (FloatMatrix part = data.rowRange(0, 2500).copy()) {
                index.train(part);
                index.add(part);
            }
            SearchParams params = SearchParams.builder().nprobe(nprobe).kFactor(2).build();
            Neighbors ours = index.search(queries, K, params);
            FaissIndexes.write(index, file, params);
            Npy.write(tmp.resolve("q.npy"), queries);
            String script = String.join("\n",
                    "import faiss, numpy as np",
                    "faiss.omp_set_num_threads(1)",
                    "index = faiss.read_index('komsu.index')",
                    "q = np.load('q.npy')",
                    "ps = faiss.ParameterSpace()",
                    "if " + (factory.startsWith("IVF") ? "True" : "False") + ": ps.set_index_parameter(index, 'nprobe', " + nprobe + ")",
                    "if " + (factory.endsWith("RFlat") ? "True" : "False") + ": ps.set_index_parameter(index, 'k_factor_rf', 2)",
                    "D, I = index.search(q, " + K + ")",
                    "np.save('D.npy', D.astype('float32'))",
                    "np.save('I.npy', I.astype('int64'))",
                    "print(type(index).__name__, index.ntotal)");
            String out = DebianPython.runOk(script, tmp);
            assertTrue(out.contains("2500"), out);
            ApproximateResults.assertMatch(Npy.readLongs(tmp.resolve("I.npy")), Npy.readFloats(tmp.resolve("D.npy")), ours,
                    factory + " " + metric + " read by faiss (" + out.strip() + ")");
        }
    }

    @ParameterizedTest
    // 4-bit PQ here: Debian's faiss took ~2 minutes to train 8-bit codebooks on 2500 vectors on this machine
    @CsvSource({"'PQ8x4', L2", "'SQ8', INNER_PRODUCT", "'IVF16,PQ8x4,RFlat', L2", "'IVF16,PQ16x4', INNER_PRODUCT"})
    void faissWrittenFilesOfEachTypeReproduceFaissResults(String factory, Metric metric) throws IOException {
        DebianPython.assumeModules("faiss", "numpy");
        Path data = InteropFiles.file("data.npy");
        Path queries = InteropFiles.file("queries.npy");
        String script = String.join("\n",
                "import os",
                "os.environ['OPENBLAS_NUM_THREADS'] = '1'  # pthread OpenBLAS on a busy 2-core machine: minutes otherwise",
                "import faiss, numpy as np",
                "faiss.omp_set_num_threads(1)",
                "x = np.load('" + data + "')[:2500]",
                "q = np.load('" + queries + "')[:50]",
                "index = faiss.index_factory(256, '" + factory + "', faiss."
                        + (metric == Metric.L2 ? "METRIC_L2" : "METRIC_INNER_PRODUCT") + ")",
                "index.train(x)",
                "index.add(x)",
                "ps = faiss.ParameterSpace()",
                "if " + (factory.startsWith("IVF") ? "True" : "False") + ": ps.set_index_parameter(index, 'nprobe', 4)",
                "if " + (factory.endsWith("RFlat") ? "True" : "False") + ": ps.set_index_parameter(index, 'k_factor_rf', 2)",
                "D, I = index.search(q, " + K + ")",
                "faiss.write_index(index, 'faiss.index')",
                "np.save('q.npy', q)",
                "np.save('D.npy', D.astype('float32'))",
                "np.save('I.npy', I.astype('int64'))",
                "print(type(index).__name__)");
        String out = DebianPython.runOk(script, tmp);
        try (LoadedIndex loaded = FaissIndexes.load(tmp.resolve("faiss.index"), Backends.defaultCpu());
             FloatMatrix q = Npy.readMatrix(tmp.resolve("q.npy"))) {
            assertEquals(2500, loaded.index().ntotal());
            assertEquals(metric, loaded.index().metric());
            SearchParams p = SearchParams.builder().nprobe(4).kFactor(2).build();
            Neighbors ours = loaded.index().search(q, K, p);
            ApproximateResults.assertMatch(Npy.readLongs(tmp.resolve("I.npy")), Npy.readFloats(tmp.resolve("D.npy")), ours,
                    factory + " " + metric + " written by faiss (" + out.strip() + ")");
        }
    }

    @Test
    void komsuFilesReadBackInKomsuWithTheSameResults() throws IOException {
        Path file = tmp.resolve("rt.index");
        try (FloatMatrix data = Npy.readMatrix(InteropFiles.file("data.npy"));
             FloatMatrix queries = Npy.readMatrix(InteropFiles.file("queries.npy"))) {
            for (String factory : new String[] {"PQ8x4", "SQ8", "IVF16,SQ8,RFlat"}) {
                try (Index index = IndexFactory.create(256, factory, Metric.L2)) {
                    index.train(data);
                    index.add(data);
                    SearchParams p = SearchParams.builder().nprobe(2).build();
                    if (index instanceof RefineFlatIndex r) r.setKFactor(3); // stored in the file as k_factor
                    Neighbors before = index.search(queries, K, p);
                    FaissIndexes.write(index, file, p);
                    try (LoadedIndex back = FaissIndexes.load(file, Backends.defaultCpu())) {
                        assertEquals(index.getClass(), back.index().getClass(), factory);
                        Neighbors after = back.index().search(queries, K, p);
                        assertArrayEquals(before.labels(), after.labels(), factory);
                        assertArrayEquals(before.distances(), after.distances(), factory);
                        if (back.index() instanceof RefineFlatIndex r) assertEquals(3f, r.kFactor());
                        if (back.index() instanceof FlatCodesIndex f) assertEquals(5000, f.ntotal());
                    }
                }
            }
        }
    }

    /** Byte offset of the PQ block (d, M, nbits) in ivf64_pq16.index: IVF header, IxF2 quantiser, direct map, by_residual, code_size. */
    private static final long PQ_BLOCK = 4 + 33 + 8 + 8 + (4 + 33 + 8 + 64L * 256 * 4) + 9 + 1 + 8;

    @Test
    void truncatedFilesRaiseIndexFormatException() throws IOException {
        for (String name : new String[] {"ivf64_pq16.index", "ivf64_sq8.index"}) {
            byte[] bytes = Files.readAllBytes(InteropFiles.file(name));
            for (long cut : new long[] {10, 60, PQ_BLOCK + 4, PQ_BLOCK + 20, PQ_BLOCK + 30, bytes.length / 2, bytes.length - 1}) {
                Path f = tmp.resolve("cut.index");
                Files.write(f, Arrays.copyOf(bytes, (int) cut));
                IndexFormatException e = assertThrows(IndexFormatException.class, () -> FaissIndexes.read(f).close(),
                        name + " cut at " + cut);
                assertTrue(e.offset() <= cut, e.getMessage());
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"8, 7, 'does not divide'", "16, 6, 'nbits=6'", "16, 99, 'PQ nbits'", "0, 512, 'PQ has dimension 512'"})
    void corruptPqFieldsRaiseIndexFormatExceptionNamingThem(int fieldOffset, long value, String expected) throws IOException {
        byte[] bytes = Files.readAllBytes(InteropFiles.file("ivf64_pq16.index"));
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong((int) PQ_BLOCK + fieldOffset, value);
        Path f = tmp.resolve("bad.index");
        Files.write(f, bytes);
        IndexFormatException e = assertThrows(IndexFormatException.class, () -> FaissIndexes.read(f).close());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(PQ_BLOCK + fieldOffset, e.offset(), e.getMessage());
    }

    @Test
    void unsupportedScalarQuantizerTypeIsRejected() throws IOException {
        byte[] bytes = Files.readAllBytes(InteropFiles.file("ivf64_sq8.index"));
        long sqBlock = PQ_BLOCK - 1 - 8; // same IVF header and quantiser, the SQ block follows the direct map
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt((int) sqBlock, 3); // QT_fp16
        Path f = tmp.resolve("bad.index");
        Files.write(f, bytes);
        IndexFormatException e = assertThrows(IndexFormatException.class, () -> FaissIndexes.read(f).close());
        assertTrue(e.getMessage().contains("QT_8bit"), e.getMessage());
    }
}
