/**
 * The index implementations behind {@link dev.komsu.IndexFactory}: Flat, IVF (coarse quantiser,
 * inverted lists, codec), FastScan, refine and wrapper indexes. Internal to komsu-core: users
 * hold them as {@link dev.komsu.Index}.
 */
package dev.komsu.index;
