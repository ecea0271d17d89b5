/**
 * The komsu library: indexes built from faiss's factory strings ({@code dev.komsu}), faiss and
 * {@code .npy} files ({@code dev.komsu.io}) and RVC's feature retrieval ({@code dev.komsu.rvc}).
 * Index implementations, training and quantisers stay inside the module.
 */
module dev.komsu {
    requires transitive dev.komsu.kernels;

    exports dev.komsu;
    exports dev.komsu.io;
    exports dev.komsu.rvc;
}
