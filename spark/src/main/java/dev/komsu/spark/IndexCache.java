package dev.komsu.spark;

import dev.komsu.io.FaissIndexes;
import dev.komsu.io.LoadedIndex;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The indexes open in this JVM, one per file: an executor loads an index the first time a task
 * needs it and every later task of the job (and of later jobs) searches the same copy, as search
 * is thread-safe. This is the module's one static: an executor JVM has no other place that
 * outlives a task. Indexes are closed at JVM shutdown; when more than {@code maxIdle} indexes
 * that no task is using are open (sharded jobs send an executor to several shards), the least
 * recently used of them are closed, so an executor holds the shards it is working on, not all.
 *
 * <p>Each index gets a one-thread CPU backend: Spark runs one task per core, so the parallelism
 * is Spark's and a task's search must not fan out over the cores the other tasks use.
 */
public final class IndexCache {
    private static final IndexCache JVM = new IndexCache(2);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(JVM::closeAll, "komsu-index-cache-close"));
    }

    private final int maxIdle;
    private final Map<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true); // access order: LRU first

    IndexCache(int maxIdle) {
        this.maxIdle = maxIdle;
    }

    /** This JVM's cache. */
    public static IndexCache jvm() {
        return JVM;
    }

    /** A use of the index in {@code file}, loaded on first use; close the lease when the search is done. */
    public Lease acquire(Path file) throws IOException {
        String key = file.toAbsolutePath().normalize().toString();
        Entry e;
        synchronized (this) {
            e = entries.computeIfAbsent(key, k -> new Entry());
            e.users++;
        }
        try {
            // loads outside the cache's lock: tasks for other indexes go on meanwhile
            return new Lease(this, key, e, e.loaded(file));
        } catch (IOException | RuntimeException | Error ex) {
            release(key, e);
            throw ex;
        }
    }

    private void release(String key, Entry e) {
        List<Entry> evicted = new ArrayList<>();
        synchronized (this) {
            e.users--;
            int idle = 0;
            for (Entry x : entries.values()) if (x.users == 0) idle++;
            var it = entries.entrySet().iterator();
            while (idle > maxIdle && it.hasNext()) {
                Entry x = it.next().getValue();
                if (x.users != 0) continue;
                it.remove();
                evicted.add(x);
                idle--;
            }
        }
        for (Entry x : evicted) x.close();
    }

    /** Number of indexes open or opening. */
    public synchronized int size() {
        return entries.size();
    }

    synchronized void closeAll() {
        for (Entry e : entries.values()) e.close();
        entries.clear();
    }

    /** One file's index, loaded once by the first task that needs it. */
    private static final class Entry {
        private int users; // guarded by the cache
        private LoadedIndex loaded;
        private ComputeBackend backend;

        synchronized LoadedIndex loaded(Path file) throws IOException {
            if (loaded == null) {
                ComputeBackend b = Backends.cpu(1);
                try {
                    loaded = FaissIndexes.load(file, b);
                    backend = b;
                } catch (IOException | RuntimeException | Error ex) {
                    b.close();
                    throw ex;
                }
            }
            return loaded;
        }

        synchronized void close() {
            if (loaded != null) {
                try {
                    loaded.close();
                } finally {
                    backend.close();
                    loaded = null;
                }
            }
        }
    }

    /** A task's use of an index; closing it lets the cache evict the index once no task uses it. */
    public static final class Lease implements AutoCloseable {
        private final IndexCache cache;
        private final String key;
        private final Entry entry;
        private final LoadedIndex loaded;
        private boolean closed;

        private Lease(IndexCache cache, String key, Entry entry, LoadedIndex loaded) {
            this.cache = cache;
            this.key = key;
            this.entry = entry;
            this.loaded = loaded;
        }

        public LoadedIndex loaded() {
            return loaded;
        }

        /** Idempotent: the task's iterator and its completion listener may both close it. */
        @Override
        public void close() {
            synchronized (this) {
                if (closed) return;
                closed = true;
            }
            cache.release(key, entry);
        }
    }
}
