package dev.komsu.cli;

import java.util.Locale;

/**
 * How {@code komsu search} writes its results. npy: faiss's D and I arrays (two .npy files).
 * text: one line per query, {@code QUERY<TAB>LABELS<TAB>DISTANCES}, the labels and distances
 * each separated by spaces, k of each, in rank order. jsonl: one JSON object per query,
 * {@code {"query":Q,"labels":[...],"distances":[...]}}. Empty slots are label -1 as in faiss.
 */
enum ResultFormat {
    NPY, TEXT, JSONL;

    static ResultFormat parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "npy" -> NPY;
            case "text" -> TEXT;
            case "jsonl" -> JSONL;
            default -> throw new IllegalArgumentException("--format '" + s + "': expected npy, text or jsonl");
        };
    }
}
