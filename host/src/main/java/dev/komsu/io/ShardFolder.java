package dev.komsu.io;

import dev.komsu.Index;
import dev.komsu.SearchParams;
import dev.komsu.index.IvfShards;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A folder of index shards ({@code komsu shard}): {@code shard-<s>-of-<S>.index}, S faiss-format
 * files split by id range ({@link IvfShards}). Shard s's local id i is global id
 * {@code idOffsets()[s] + i}, where the offsets are the running sum of the shards' ntotal in
 * shard order (faiss {@code IndexShards} with {@code successive_ids}), so the folder needs no
 * file beside the indexes and every shard opens in faiss as it is.
 */
public final class ShardFolder {
    private static final Pattern NAME = Pattern.compile("shard-(\\d+)-of-(\\d+)\\.index");

    private final List<Path> files;
    private final long[] idOffsets;

    private ShardFolder(List<Path> files, long[] idOffsets) {
        this.files = files;
        this.idOffsets = idOffsets;
    }

    /** The file name of shard {@code s} of {@code shards}. */
    public static String fileName(int s, int shards) {
        return "shard-" + s + "-of-" + shards + ".index";
    }

    /** True if {@code path} is a folder holding at least one shard file (rather than an index file). */
    public static boolean isShardFolder(Path path) throws IOException {
        if (!Files.isDirectory(path)) return false;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(path, "shard-*-of-*.index")) {
            return ds.iterator().hasNext();
        }
    }

    /**
     * Splits {@code source} into {@code shards} files in the new folder {@code dir}, storing
     * {@code stored}'s nprobe and the source's kFactor as faiss does. Atomic: the files are
     * written into a temporary sibling folder that is renamed to {@code dir} at the end, so a
     * failure leaves no folder. {@code dir} must not exist.
     */
    public static void write(Index source, int shards, SearchParams stored, Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        if (Files.exists(abs)) throw new FileAlreadyExistsException(dir.toString(), null, "the output folder exists already");
        Path parent = abs.getParent();
        if (parent == null || !Files.isDirectory(parent)) throw new NoSuchFileException(String.valueOf(parent), null, "the output's folder does not exist");
        List<Index> parts = IvfShards.split(source, shards);
        Path temp = Files.createTempDirectory(parent, "." + abs.getFileName() + ".");
        try {
            for (int s = 0; s < shards; s++) FaissIndexes.write(parts.get(s), temp.resolve(fileName(s, shards)), stored);
            try {
                Files.move(temp, abs, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, abs);
            }
        } finally {
            for (Index i : parts) i.close();
            deleteTree(temp); // nothing left once moved; everything written so far after a failure
        }
    }

    private static void deleteTree(Path temp) throws IOException {
        if (!Files.exists(temp)) return;
        try (var walk = Files.walk(temp)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /**
     * Opens the listing of a shard folder: every {@code shard-s-of-S.index} for s in 0..S-1,
     * one S, no gap, and the id offsets from each file's ntotal. Throws IOException naming the
     * folder and what is missing or inconsistent.
     */
    public static ShardFolder open(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new NoSuchFileException(dir.toString(), null, "no such shard folder");
        List<Path> found = new ArrayList<>();
        int count = -1;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "shard-*-of-*.index")) {
            for (Path p : ds) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (!m.matches()) continue;
                int of = Integer.parseInt(m.group(2));
                if (count >= 0 && of != count) {
                    throw new IOException("shard folder " + dir + " mixes shard counts " + count + " and " + of);
                }
                count = of;
                found.add(p);
            }
        }
        if (count <= 0) throw new IOException("folder " + dir + " holds no shard-<s>-of-<S>.index files");
        Path[] ordered = new Path[count];
        for (Path p : found) {
            Matcher m = NAME.matcher(p.getFileName().toString());
            m.matches();
            int s = Integer.parseInt(m.group(1));
            if (s >= count) throw new IOException("shard folder " + dir + ": " + p.getFileName() + " is past shard " + (count - 1));
            ordered[s] = p;
        }
        long[] offsets = new long[count];
        long next = 0;
        for (int s = 0; s < count; s++) {
            if (ordered[s] == null) throw new IOException("shard folder " + dir + " lacks " + fileName(s, count));
            offsets[s] = next;
            next += IndexFileHeader.read(ordered[s]).ntotal();
        }
        return new ShardFolder(List.of(ordered), offsets);
    }

    /** The shard files in shard order. */
    public List<Path> files() {
        return files;
    }

    /** The first global id of each shard. */
    public long[] idOffsets() {
        return idOffsets.clone();
    }
}
