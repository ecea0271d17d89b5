package dev.komsu.io;

import dev.komsu.Index;
import dev.komsu.SearchParams;
import dev.komsu.StoredSearchParams;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;

/**
 * Reads and writes faiss's binary index format ({@code faiss.read_index} /
 * {@code faiss.write_index}), so indexes move between faiss and komsu both ways.
 *
 * <p>Reading copies the file into off-heap memory, as faiss does, and keeps vectors and inverted
 * lists as views of that copy (released when the index is closed), so a file changed after
 * loading cannot affect the index. {@link LoadOptions#mapped()} maps the file instead (faiss's
 * {@code IO_FLAG_MMAP}), with the caveat its comment states. A corrupt,
 * truncated or unsupported file raises {@link IndexFormatException} with the byte offset and
 * what was expected; no count read from the file is trusted before it is checked against the
 * file size (with overflow-checked products), and absurd parameters (d above 2^24, k_factor
 * above 2^20) are refused where they are read. Bytes after the last structure are ignored, as
 * faiss's read_index ignores them (a stream may hold more than one index). Writing is atomic: a failed write leaves no file and an existing one untouched.
 *
 * <p>Supported: Flat ({@code IxF2}, {@code IxFI}, legacy {@code IxFl}), IVF-Flat ({@code IwFl},
 * legacy {@code IvFl}) with array lists ({@code ilar}, {@code full} or {@code sprs} sizes) and
 * any direct map (skipped: komsu keeps none), IDMap / IDMap2 ({@code IxMp}, {@code IxM2}), and
 * "L2norm" ({@code IxPT} with {@code VNrm}).
 */
public final class FaissIndexes {
    private FaissIndexes() {
    }

    /** The fourcc tags komsu reads. */
    public static List<String> supportedTypes() {
        return FaissFormats.supportedFourccs();
    }

    /** Reads an index that searches on the shared default CPU backend. */
    public static Index read(Path file) throws IOException {
        return read(file, Backends.defaultCpu());
    }

    /** Reads an index that searches on {@code backend}. */
    public static Index read(Path file, ComputeBackend backend) throws IOException {
        return load(file, backend).index();
    }

    /**
     * Reads an index and the search parameters stored with it: faiss keeps an IVF index's
     * {@code nprobe}, a refine index's {@code k_factor} and HNSW's {@code efSearch} in the file
     * and searches with them unless told otherwise. The index keeps them too (a search whose
     * {@link SearchParams} leave them unset uses them); {@link LoadedIndex#storedParams()} names
     * them, e.g. for {@code komsu info}.
     */
    public static LoadedIndex load(Path file, ComputeBackend backend) throws IOException {
        return load(file, backend, LoadOptions.DEFAULTS);
    }

    /** {@link #load(Path, ComputeBackend)}, copying or mapping the file as {@code options} say. */
    public static LoadedIndex load(Path file, ComputeBackend backend, LoadOptions options) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(options, "options");
        Arena arena = Arena.ofShared();
        SharedMapping mapping = new SharedMapping(arena);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment data = options.mmap()
                    ? ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena)
                    : FileCopy.intoMemory(ch, file, arena);
            FaissInput in = new FaissInput(file, data, mapping, backend);
            Index index = in.readIndex();
            mapping.releaseReader();
            return new LoadedIndex(index, StoredSearchParams.of(index));
        } catch (IOException | RuntimeException | Error e) {
            // Parts read before the failure are garbage; their views die with the mapping.
            mapping.forceClose();
            throw e;
        }
    }

    /** Writes {@code index} atomically, with the search parameters it keeps (nprobe, k_factor, efSearch). */
    public static void write(Index index, Path file) throws IOException {
        write(index, file, SearchParams.DEFAULTS);
    }

    /**
     * Writes {@code index} atomically, storing the parameters set in {@code params} (nprobe in
     * every IVF header, k_factor in refine indexes, efSearch in HNSW graphs) instead of the
     * index's own, which unset ones keep; faiss searches with the stored values by default.
     * Throws IllegalArgumentException, leaving no file, for an index type (or part) komsu cannot
     * write in faiss's format.
     */
    public static void write(Index index, Path file, SearchParams params) throws IOException {
        Objects.requireNonNull(index, "index");
        try (AtomicFileOutput atomic = AtomicFileOutput.create(file)) {
            FaissOutput out = new FaissOutput(atomic, Objects.requireNonNull(params, "params"));
            out.writeIndex(index);
            out.flush();
            atomic.commit();
        }
    }
}
