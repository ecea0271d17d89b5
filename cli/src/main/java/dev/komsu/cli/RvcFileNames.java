package dev.komsu.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names RVC's {@code train_index} gives its two index files, which RVC's tools look for in
 * the experiment folder: {@code trained_IVF{n}_Flat_nprobe_{nprobe}_{name}_{version}.index}
 * (written after training, before adding) and {@code added_...} (the searchable index). RVC
 * always sets nprobe 1, and its version is v1 for 256-d HuBERT features, v2 for 768-d.
 */
record RvcFileNames(String name, Path folder) {
    private static final Pattern IVF_FLAT = Pattern.compile("IVF(\\d+),Flat");

    /** Checks {@code --rvc-name}, {@code --factory} and the {@code --output} folder before any work. */
    static RvcFileNames check(String name, String factory, Path folder) {
        if (name.isBlank() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("--rvc-name '" + name + "': expected a plain name (RVC's experiment name), no path");
        }
        if (factory != null && !IVF_FLAT.matcher(factory.strip()).matches()) {
            throw new IllegalArgumentException("--rvc-name writes RVC's IVF{n}_Flat file names; --factory " + factory
                    + " is not an IVF{n},Flat index (leave --factory out for RVC's own rule)");
        }
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("--output " + folder + ": with --rvc-name, expected an existing folder"
                    + " (RVC's experiment folder) to receive the trained_ and added_ index files");
        }
        if (!Files.isWritable(folder)) throw new IllegalArgumentException("--output " + folder + ": cannot write to it");
        return new RvcFileNames(name, folder);
    }

    Path trained(String factory, int dim) {
        return file("trained", factory, dim);
    }

    Path added(String factory, int dim) {
        return file("added", factory, dim);
    }

    private Path file(String kind, String factory, int dim) {
        Matcher m = IVF_FLAT.matcher(factory);
        if (!m.matches()) throw new IllegalStateException("not an IVF{n},Flat factory string: " + factory);
        return folder.resolve(kind + "_IVF" + m.group(1) + "_Flat_nprobe_1_" + name + "_" + version(dim) + ".index");
    }

    /** RVC's version tag: v1 features are 256-d, v2 features 768-d. */
    static String version(int dim) {
        return switch (dim) {
            case 256 -> "v1";
            case 768 -> "v2";
            default -> throw new IllegalArgumentException("--rvc-name: RVC's file names know 256-d (v1) and 768-d (v2)"
                    + " features, these have " + dim + " values per row");
        };
    }
}
