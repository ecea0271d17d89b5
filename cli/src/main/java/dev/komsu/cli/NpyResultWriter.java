package dev.komsu.cli;

import dev.komsu.io.InterruptCleanup;
import dev.komsu.io.NpyDtype;
import dev.komsu.io.NpyWriter;
import dev.komsu.kernels.Neighbors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** faiss's D (float32) and I (int64) arrays, nq x k, streamed into two .npy files that appear together. */
final class NpyResultWriter implements ResultWriter {
    private final Path distancesFile;
    private final Path labelsFile;
    private final NpyWriter distances;
    private final NpyWriter labels;

    NpyResultWriter(Path distancesFile, Path labelsFile, long nq, int k) throws IOException {
        this.distancesFile = distancesFile;
        this.labelsFile = labelsFile;
        this.distances = NpyWriter.create(distancesFile, NpyDtype.FLOAT32, nq, k);
        try {
            this.labels = NpyWriter.create(labelsFile, NpyDtype.INT64, nq, k);
        } catch (IOException | RuntimeException e) {
            distances.close();
            throw e;
        }
    }

    @Override
    public void write(Neighbors batch) throws IOException {
        distances.writeFloats(batch.distances(), 0, batch.distances().length);
        labels.writeLongs(batch.labels(), 0, batch.labels().length);
    }

    @Override
    public void commit() throws IOException {
        distances.commit();
        // keep the pair consistent: no distances without labels, even if stopped in between
        InterruptCleanup.register(distancesFile);
        try {
            labels.commit();
        } catch (Exception e) {
            Files.deleteIfExists(distancesFile);
            throw e;
        } finally {
            InterruptCleanup.release(distancesFile);
        }
    }

    @Override
    public String destination() {
        return distancesFile + ", " + labelsFile;
    }

    @Override
    public void close() throws IOException {
        try (distances) {
            labels.close();
        }
    }
}
