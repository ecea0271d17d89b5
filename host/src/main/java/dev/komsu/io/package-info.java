/**
 * Files: faiss's binary index format, read and written ({@link dev.komsu.io.FaissIndexes}), and
 * NumPy {@code .npy} arrays and folders of them ({@link dev.komsu.io.Npy},
 * {@link dev.komsu.io.NpyFolder}). Corrupt input raises {@link dev.komsu.io.IndexFormatException}
 * or {@link dev.komsu.io.NpyFormatException}; writes are atomic.
 */
package dev.komsu.io;
