/**
 * The index implementations behind {@link dev.komsu.IndexFactory}: Flat, flat codes and IVF
 * (coarse quantiser, one inverted-list store with a code layout, a codec: Flat, PQ, SQ8,
 * FastScan), and the wrapper indexes (refine, IDMap, L2norm) over a forwarding base. Internal to
 * komsu-core: users hold them as {@link dev.komsu.Index}.
 */
package dev.komsu.index;
