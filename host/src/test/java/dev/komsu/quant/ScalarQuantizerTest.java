package dev.komsu.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.komsu.kernels.FloatMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class ScalarQuantizerTest {
    @Test
    void trainingTakesPerComponentMinAndRange() {
        try (FloatMatrix xs = FloatMatrix.of(new float[][] {{1, -2, 5}, {3, 4, 5}, {2, 0, 5}})) {
            ScalarQuantizer sq = new ScalarQuantizer(3);
            sq.train(xs);
            assertArrayEquals(new float[] {1, -2, 5, 2, 6, 0}, sq.trained());
        }
    }

    @Test
    void encodeAndDecodeAreFaissQt8bit() {
        ScalarQuantizer sq = ScalarQuantizer.ofTrained(3, new float[] {0, -1, 7, 10, 2, 0});
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment code = arena.allocate(3);
            // (int)(255 * 0.5) = 127; below range clamps to 0; zero range encodes 0
            sq.encode(new float[] {5f, -3f, 9f}, code, 0);
            assertEquals(127, code.get(ValueLayout.JAVA_BYTE, 0) & 0xff);
            assertEquals(0, code.get(ValueLayout.JAVA_BYTE, 1) & 0xff);
            assertEquals(0, code.get(ValueLayout.JAVA_BYTE, 2) & 0xff);
            sq.encode(new float[] {10f, 5f, 7f}, code, 0);
            assertEquals(255, code.get(ValueLayout.JAVA_BYTE, 0) & 0xff);
            assertEquals(255, code.get(ValueLayout.JAVA_BYTE, 1) & 0xff);
            float[] out = new float[3];
            sq.decode(code, 0, out);
            assertEquals(0f + ((255 + 0.5f) / 255f) * 10f, out[0]);
            assertEquals(-1f + ((255 + 0.5f) / 255f) * 2f, out[1]);
            assertEquals(7f, out[2]);
        }
    }

    @Test
    void badShapesAndUntrainedUseAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ScalarQuantizer.ofTrained(3, new float[5]));
        assertThrows(IllegalStateException.class, () -> new ScalarQuantizer(2).vmin());
        try (FloatMatrix xs = FloatMatrix.allocate(2, 4)) {
            assertThrows(IllegalArgumentException.class, () -> new ScalarQuantizer(3).train(xs));
        }
    }
}
