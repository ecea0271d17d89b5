import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GFLOP/s of three shapes of the dense step's dot-product tile on 256-bit vectors: 2 vectors of
 * queries x 4 rows (the shape of LaneKernels.dotWide, 8 accumulators), 2 x 5 (10) and 3 x 4
 * (12), over random data, one thread. With AVX2's 16 ymm registers the taller two spill.
 * Not part of the build; run as a single-file program:
 * {@code taskset -c 1 java --add-modules jdk.incubator.vector bench/tools/DotTileShapes.java ROWS}
 * (ROWS base rows of 256 floats: 400 stay in L2, 4000 do not).
 */
public class DotTileShapes {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int L = 8;
    private static final int D = 256;

    /** {@code rowsPerTile} rows x {@code vectors} vectors of queries, accumulators in registers. */
    interface Tile {
        void run(float[] q, float[] b, int bo, float[] out);
    }

    static void twoByFour(float[] q, float[] b, int bo, float[] out) {
        int o0 = bo, o1 = o0 + D, o2 = o1 + D, o3 = o2 + D;
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a10 = a00, a11 = a00;
        FloatVector a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        for (int c = 0, qo = 0; c < D; c++, qo += 2 * L) {
            FloatVector x0 = FloatVector.fromArray(S, q, qo);
            FloatVector x1 = FloatVector.fromArray(S, q, qo + L);
            FloatVector y = FloatVector.broadcast(S, b[o0 + c]);
            a00 = x0.fma(y, a00);
            a01 = x1.fma(y, a01);
            y = FloatVector.broadcast(S, b[o1 + c]);
            a10 = x0.fma(y, a10);
            a11 = x1.fma(y, a11);
            y = FloatVector.broadcast(S, b[o2 + c]);
            a20 = x0.fma(y, a20);
            a21 = x1.fma(y, a21);
            y = FloatVector.broadcast(S, b[o3 + c]);
            a30 = x0.fma(y, a30);
            a31 = x1.fma(y, a31);
        }
        a00.add(a01).add(a10).add(a11).add(a20).add(a21).add(a30).add(a31).intoArray(out, 0);
    }

    static void twoByFive(float[] q, float[] b, int bo, float[] out) {
        int o0 = bo, o1 = o0 + D, o2 = o1 + D, o3 = o2 + D, o4 = o3 + D;
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a10 = a00, a11 = a00, a20 = a00;
        FloatVector a21 = a00, a30 = a00, a31 = a00, a40 = a00, a41 = a00;
        for (int c = 0, qo = 0; c < D; c++, qo += 2 * L) {
            FloatVector x0 = FloatVector.fromArray(S, q, qo);
            FloatVector x1 = FloatVector.fromArray(S, q, qo + L);
            FloatVector y = FloatVector.broadcast(S, b[o0 + c]);
            a00 = x0.fma(y, a00);
            a01 = x1.fma(y, a01);
            y = FloatVector.broadcast(S, b[o1 + c]);
            a10 = x0.fma(y, a10);
            a11 = x1.fma(y, a11);
            y = FloatVector.broadcast(S, b[o2 + c]);
            a20 = x0.fma(y, a20);
            a21 = x1.fma(y, a21);
            y = FloatVector.broadcast(S, b[o3 + c]);
            a30 = x0.fma(y, a30);
            a31 = x1.fma(y, a31);
            y = FloatVector.broadcast(S, b[o4 + c]);
            a40 = x0.fma(y, a40);
            a41 = x1.fma(y, a41);
        }
        a00.add(a01).add(a10).add(a11).add(a20).add(a21).add(a30).add(a31).add(a40).add(a41).intoArray(out, 0);
    }

    static void threeByFour(float[] q, float[] b, int bo, float[] out) {
        int o0 = bo, o1 = o0 + D, o2 = o1 + D, o3 = o2 + D;
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a10 = a00, a11 = a00, a12 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a30 = a00, a31 = a00, a32 = a00;
        for (int c = 0, qo = 0; c < D; c++, qo += 3 * L) {
            FloatVector x0 = FloatVector.fromArray(S, q, qo);
            FloatVector x1 = FloatVector.fromArray(S, q, qo + L);
            FloatVector x2 = FloatVector.fromArray(S, q, qo + 2 * L);
            FloatVector y = FloatVector.broadcast(S, b[o0 + c]);
            a00 = x0.fma(y, a00);
            a01 = x1.fma(y, a01);
            a02 = x2.fma(y, a02);
            y = FloatVector.broadcast(S, b[o1 + c]);
            a10 = x0.fma(y, a10);
            a11 = x1.fma(y, a11);
            a12 = x2.fma(y, a12);
            y = FloatVector.broadcast(S, b[o2 + c]);
            a20 = x0.fma(y, a20);
            a21 = x1.fma(y, a21);
            a22 = x2.fma(y, a22);
            y = FloatVector.broadcast(S, b[o3 + c]);
            a30 = x0.fma(y, a30);
            a31 = x1.fma(y, a31);
            a32 = x2.fma(y, a32);
        }
        a00.add(a01).add(a02).add(a10).add(a11).add(a12).add(a20).add(a21).add(a22).add(a30).add(a31).add(a32)
                .intoArray(out, 0);
    }

    public static void main(String[] args) {
        int rows = Integer.parseInt(args[0]);
        float[] q = new float[D * 3 * L];
        float[] b = new float[(rows + 5) * D];
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < q.length; i++) q[i] = r.nextFloat();
        for (int i = 0; i < b.length; i++) b[i] = r.nextFloat();
        String[] names = {"2x4", "2x5", "3x4"};
        Tile[] tiles = {DotTileShapes::twoByFour, DotTileShapes::twoByFive, DotTileShapes::threeByFour};
        int[] tileRows = {4, 5, 4};
        int[] queries = {2 * L, 2 * L, 3 * L};
        float[] out = new float[L];
        float sink = 0;
        for (int round = 0; round < 8; round++) {
            for (int v = 0; v < tiles.length; v++) {
                long t0 = System.nanoTime();
                long flops = 0;
                for (int rep = 0; rep < 200; rep++) {
                    for (int o = 0; o + tileRows[v] <= rows; o += tileRows[v]) tiles[v].run(q, b, o * D, out);
                    flops += 2L * queries[v] * (rows / tileRows[v] * tileRows[v]) * D;
                    sink += out[3];
                }
                double s = (System.nanoTime() - t0) / 1e9;
                if (round >= 2) System.out.printf("%s %.1f GFLOP/s%n", names[v], flops / s / 1e9);
            }
        }
        System.out.println("(checksum " + sink + ")");
    }
}
