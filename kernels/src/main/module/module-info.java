/**
 * komsu's compute layer: the backend SPI ({@link dev.komsu.kernels.ComputeBackend}, found through
 * {@link dev.komsu.kernels.BackendProvider}), off-heap matrices and result types. Only the SPI
 * package is exported; the scalar reference backend and the Vector API CPU backend are reached
 * through {@link dev.komsu.kernels.Backends}. The Vector API is optional: without
 * {@code --add-modules jdk.incubator.vector} the scalar backend serves, with one warning.
 * {@code --enable-native-access=dev.komsu.kernels} lets large matrices use huge pages
 * ({@link dev.komsu.kernels.HugePages}); without it they do not, silently.
 */
module dev.komsu.kernels {
    requires static jdk.incubator.vector;

    exports dev.komsu.kernels;

    uses dev.komsu.kernels.BackendProvider;

    provides dev.komsu.kernels.BackendProvider with
            dev.komsu.kernels.scalar.ScalarProvider,
            dev.komsu.kernels.cpu.VectorCpuProvider;
}
