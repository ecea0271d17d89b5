/**
 * The OpenCL backend (JOCL): device discovery, the {@code .cl} kernels built once per device,
 * data kept resident on the device across searches, and a CPU fallback for what a device cannot
 * take. Reached through its provider ({@code Backends.select("opencl", threads)}).
 */
package dev.komsu.kernels.opencl;
