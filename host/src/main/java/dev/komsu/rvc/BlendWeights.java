package dev.komsu.rvc;

/**
 * The per-row weights of RVC's feature retrieval: {@code w = 1/d^2} over the neighbours found,
 * normalised to sum 1 ({@code weight = np.square(1 / score); weight /= weight.sum(...)} in RVC's
 * pipeline), where d is the squared L2 distance faiss returns.
 */
final class BlendWeights {
    private BlendWeights() {
    }

    /**
     * Fills {@code weights[0..k)} for the neighbours in slots {@code [offset, offset+k)} of
     * {@code distances}/{@code labels} and returns how many got a non-zero weight. Empty slots
     * (label -1, as faiss pads rows with fewer than k results) get weight 0. Exact matches
     * (d <= 0; float rounding can make faiss's d slightly negative) share all the weight
     * equally, where RVC would divide by zero. Returns 0 when the row has no neighbour.
     * Computed in double: 1/d^2 of the smallest positive float still fits.
     */
    static int compute(float[] distances, long[] labels, int offset, int k, double[] weights) {
        int found = 0;
        int exact = 0;
        for (int j = 0; j < k; j++) {
            if (labels[offset + j] < 0) continue;
            found++;
            if (distances[offset + j] <= 0f) exact++;
        }
        if (found == 0) {
            java.util.Arrays.fill(weights, 0, k, 0.0);
            return 0;
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
            double w;
            if (labels[offset + j] < 0) {
                w = 0;
            } else if (exact > 0) {
                w = distances[offset + j] <= 0f ? 1 : 0;
            } else {
                double d = distances[offset + j];
                w = 1 / (d * d);
            }
            weights[j] = w;
            sum += w;
        }
        for (int j = 0; j < k; j++) weights[j] /= sum;
        return exact > 0 ? exact : found;
    }
}
