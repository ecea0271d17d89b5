/**
 * The komsu library: indexes built from faiss's factory strings ({@code dev.komsu}), faiss and
 * {@code .npy} files ({@code dev.komsu.io}), RVC's feature retrieval ({@code dev.komsu.rvc}) and
 * auto-tuning of search parameters ({@code dev.komsu.tune}).
 * Index implementations, training and quantisers stay inside the module.
 */
module dev.komsu {
    requires transitive dev.komsu.kernels;

    exports dev.komsu;
    exports dev.komsu.io;
    exports dev.komsu.rvc;
    exports dev.komsu.tune;
}
