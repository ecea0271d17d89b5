/**
 * The scalar reference backend (plain loops, the definition every other backend is tested
 * against) and the plain-Java batch forms every CPU backend shares: the per-query PQ, FastScan
 * and refine loops over a backend's own kernels, and the FastScan block walk. No Vector API here,
 * so this package runs on any JVM. Internal to komsu-kernels.
 */
package dev.komsu.kernels.scalar;
