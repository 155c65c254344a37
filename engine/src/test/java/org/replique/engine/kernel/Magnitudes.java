package org.replique.engine.kernel;

import org.replique.engine.tensor.WeightMatrix;

/**
 * {@code Σ_c |w[r][c] · x[t][c]|} for every output, with the activations as the kernels see them:
 * the scale against which float rounding differences of a dot product are judged.
 */
final class Magnitudes {
    private Magnitudes() {}

    static float[] of(WeightMatrix w, PreparedInput x) {
        int rows = w.rows();
        int cols = w.cols();
        float[] row = new float[cols];
        float[] out = new float[x.rows() * rows];
        for (int r = 0; r < rows; r++) {
            w.dequantizeRow(r, row, 0);
            for (int t = 0; t < x.rows(); t++) {
                double sum = 0;
                for (int c = 0; c < cols; c++) {
                    int i = t * cols + c;
                    float xv = switch (x.format()) {
                        case Q8_0 -> x.quants()[i] * x.scales()[i / 32];
                        case Q8_K -> x.quants()[i] * x.scales()[i / 256];
                        default -> x.values()[i];
                    };
                    sum += Math.abs((double) row[c] * xv);
                }
                out[t * rows + r] = (float) sum;
            }
        }
        return out;
    }
}
