/**
 * The OpenCL backend: JOCL and the {@code .cl} kernel sources. It exports nothing: applications
 * select it by name ({@code Backends.select("opencl", threads)}) or get it from {@code auto} when
 * an OpenCL GPU is present.
 */
module dev.komsu.opencl {
    requires dev.komsu.kernels;
    requires jocl;

    provides dev.komsu.kernels.BackendProvider with dev.komsu.kernels.opencl.OpenClProvider;
}
