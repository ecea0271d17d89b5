/**
 * The compute backend SPI: {@link dev.komsu.kernels.ComputeBackend} (batched fused distance and
 * top-k, IVF list scans, PQ/SQ8/FastScan scans, refine) and the data it works on (off-heap
 * {@link dev.komsu.kernels.FloatMatrix}, {@link dev.komsu.kernels.Neighbors}, inverted-list
 * views); {@link dev.komsu.kernels.Backends} finds the backends on the class or module path
 * through {@link dev.komsu.kernels.BackendProvider}. A new backend implements these interfaces in
 * its own module; it needs nothing else from komsu.
 */
package dev.komsu.kernels;
