package dev.komsu.cli;

import dev.komsu.index.SearchBudget;
import dev.komsu.io.IndexFormatException;
import dev.komsu.io.NpyFormatException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Tells bad input from internal failure, and checks paths before any work starts. */
final class InputErrors {
    private InputErrors() {
    }

    /** A malformed input file: the user's problem (exit 2), not komsu's. */
    static boolean isFormatError(IOException e) {
        return e instanceof NpyFormatException || e instanceof IndexFormatException;
    }

    /** A one-line message for a file-system error; the JDK's messages are often just the path. */
    static String describe(FileSystemException e) {
        String file = e.getFile();
        if (e instanceof NoSuchFileException) return "no such file or folder: " + file;
        if (e instanceof AccessDeniedException) return "permission denied: " + file;
        return e.getMessage();
    }

    /** Fails unless {@code path} names an existing regular file. */
    static void checkInputFile(String option, Path path) {
        if (!Files.exists(path)) throw new IllegalArgumentException(option + " " + path + ": no such file");
        if (!Files.isRegularFile(path)) throw new IllegalArgumentException(option + " " + path + ": not a regular file");
    }

    /**
     * Fails unless {@code path} can be created: its folder exists and it is not itself a folder.
     * Checked before the work starts, so a typo does not cost a whole build.
     */
    static void checkOutputFile(String option, Path path) {
        Path parent = path.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IllegalArgumentException(option + " " + path + ": the folder " + parent + " does not exist");
        }
        if (Files.isDirectory(path)) throw new IllegalArgumentException(option + " " + path + ": is a folder, expected a file path");
        if (!Files.isWritable(parent)) throw new IllegalArgumentException(option + " " + path + ": cannot write to " + parent);
    }

    /** Fails if two options name the same file (an output would replace an input or another output). */
    static void checkDistinct(String optionA, Path a, String optionB, Path b) {
        if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException(optionA + " and " + optionB + " name the same file " + a);
        }
    }

    /**
     * Fails unless every output fits the free space of its folder's file system (outputs on one
     * file system add up), so a search that cannot finish writing is refused before it starts.
     */
    static void checkFreeSpace(java.util.Map<Path, Long> outputBytes) throws IOException {
        java.util.Map<java.nio.file.FileStore, Long> need = new java.util.LinkedHashMap<>();
        java.util.Map<java.nio.file.FileStore, Path> where = new java.util.HashMap<>();
        for (var e : outputBytes.entrySet()) {
            Path parent = e.getKey().toAbsolutePath().getParent();
            java.nio.file.FileStore store = Files.getFileStore(parent);
            need.merge(store, e.getValue(), (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            where.putIfAbsent(store, parent);
        }
        for (var e : need.entrySet()) {
            long free = e.getKey().getUsableSpace();
            if (e.getValue() > free) {
                throw new IllegalArgumentException("the outputs need " + SearchBudget.size(e.getValue()) + " but "
                        + where.get(e.getKey()) + " has " + SearchBudget.size(free) + " free; write them elsewhere or ask"
                        + " for fewer results (a smaller --k)");
            }
        }
    }

    static void checkPositive(String option, long value) {
        if (value <= 0) throw new IllegalArgumentException(option + " must be > 0, got " + value);
    }
}
