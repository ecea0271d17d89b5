package dev.komsu.index.hnsw;

/**
 * faiss's {@code RandomGenerator}: a 32-bit Mersenne Twister (C++ {@code std::mt19937}) seeded
 * with the low 32 bits of the seed. HNSW draws its levels and its insertion order from it, so
 * the same seeds (faiss: 12345 for levels, 789 for the order) give the same levels as faiss.
 */
public final class FaissRandom {
    private static final int N = 624;
    private static final int M = 397;
    private final int[] mt = new int[N];
    private int index;

    public FaissRandom(long seed) {
        mt[0] = (int) seed;
        for (int i = 1; i < N; i++) {
            mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        }
        index = N;
    }

    /** The next 32-bit output, as an unsigned value. */
    long next() {
        if (index >= N) twist();
        int y = mt[index++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y & 0xffffffffL;
    }

    private void twist() {
        for (int i = 0; i < N; i++) {
            int y = (mt[i] & 0x80000000) | (mt[(i + 1) % N] & 0x7fffffff);
            int v = mt[(i + M) % N] ^ (y >>> 1);
            if ((y & 1) != 0) v ^= 0x9908b0df;
            mt[i] = v;
        }
        index = 0;
    }

    /** faiss {@code rand_float}: the output over its maximum, both rounded to float first. */
    public float nextFloat() {
        return (float) next() / (float) 0xffffffffL;
    }

    /** faiss {@code rand_int(max)}: the output modulo {@code max}. */
    public int nextInt(int max) {
        return (int) (next() % max);
    }
}
