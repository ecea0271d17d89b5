/**
 * komsu's public API: {@link dev.komsu.Index} and {@link dev.komsu.IndexFactory} (faiss's factory
 * strings: Flat, IVF, PQ, 4-bit FastScan, SQ8, RFlat, IDMap, L2norm), {@link dev.komsu.SearchParams}
 * and {@link dev.komsu.ProgressListener}.
 */
package dev.komsu;
