package dev.komsu;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Indexes built once per suite class and case, for the contracts that only search them; closed with the class. */
final class SuiteIndexes implements AutoCloseable {
    private final Map<String, Index> built = new LinkedHashMap<>();

    synchronized Index get(String key, Supplier<Index> build) {
        return built.computeIfAbsent(key, k -> build.get());
    }

    @Override
    public synchronized void close() {
        built.values().forEach(Index::close);
        built.clear();
    }
}
