package dev.komsu.kernels;

/**
 * Run in a child JVM by {@link HugePagesNativeAccessTest}: allocates, writes and frees a matrix
 * large enough for huge pages and prints {@code available=} what {@link HugePages#available} says.
 */
public final class HugePagesProbe {
    private HugePagesProbe() {
    }

    public static void main(String[] args) {
        try (FloatMatrix m = HugePages.allocate(2048, 1024)) { // 8 MB: the huge-page threshold
            m.segment().fill((byte) 1);
        }
        System.out.println("available=" + HugePages.available());
    }
}
