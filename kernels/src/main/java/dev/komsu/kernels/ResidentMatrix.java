package dev.komsu.kernels;

/**
 * The {@link Resident} handle of a base matrix with its {@link BaseNorms} (computed once by the
 * index, null when it keeps none): the dense kernels read them from here, so a batch does not
 * pay a pass over the base for them.
 */
public interface ResidentMatrix extends Resident<FloatMatrix> {
    /** The norms the handle was prepared with, or null. */
    BaseNorms norms();

    /** A host backend's handle: the matrix and norms themselves. */
    static ResidentMatrix onHost(FloatMatrix base, BaseNorms norms) {
        return new OnHost(java.util.Objects.requireNonNull(base, "base"), norms);
    }

    /** {@link #onHost}'s handle. */
    record OnHost(FloatMatrix host, BaseNorms norms) implements ResidentMatrix {
        @Override
        public void close() {
        }
    }
}
