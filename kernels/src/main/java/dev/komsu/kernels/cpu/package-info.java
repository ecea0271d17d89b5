/**
 * The Vector API CPU backend ({@code jdk.incubator.vector}): register-blocked distance kernels,
 * FastScan kernels per vector width, PQ/SQ8 kernels, each with its scalar twin in
 * {@code dev.komsu.kernels.scalar}. Loaded only when the JVM has the incubator module (its
 * provider checks first). Internal to komsu-kernels.
 */
package dev.komsu.kernels.cpu;
