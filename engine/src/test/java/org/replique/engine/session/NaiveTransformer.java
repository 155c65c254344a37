package org.replique.engine.session;

import org.replique.engine.model.LayerWeights;
import org.replique.engine.model.Model;
import org.replique.engine.model.ModelConfig;
import org.replique.engine.tensor.WeightMatrix;

/**
 * The Llama forward pass written as plainly as possible, to check the engine's against: weights
 * decoded to dense double matrices, every position of the prompt recomputed through every layer
 * on each call (no cache, no chunks, no ring), and attention of position {@code t} over the
 * positions {@code [t - window + 1, t]} only, by an explicit mask. It shares nothing with the
 * engine's forward pass but the decoded weights.
 */
final class NaiveTransformer {
    private final ModelConfig c;
    private final int window;
    private final double[][] embedding;
    private final Layer[] layers;
    private final double[] outputNorm;
    private final double[][] output;

    private record Layer(double[] attentionNorm, double[][] wq, double[][] wk, double[][] wv, double[][] wo,
                         double[] ffnNorm, double[][] gate, double[][] up, double[][] down) {}

    /** {@code window} 0 means plain causal attention. */
    NaiveTransformer(Model model, int window) {
        this.c = model.config();
        this.window = window;
        this.embedding = dense(model.weights().tokenEmbedding());
        this.layers = new Layer[c.layers()];
        for (int l = 0; l < c.layers(); l++) {
            LayerWeights w = model.weights().layers().get(l);
            layers[l] = new Layer(toDouble(w.attentionNorm()), dense(w.wq()), dense(w.wk()), dense(w.wv()), dense(w.wo()),
                    toDouble(w.ffnNorm()), dense(w.wGate()), dense(w.wUp()), dense(w.wDown()));
        }
        this.outputNorm = toDouble(model.weights().outputNorm());
        this.output = dense(model.weights().output());
    }

    /** The logits after the last of {@code tokens}. */
    float[] logits(int[] tokens, int length) {
        int hd = c.headDim();
        double[][] x = new double[length][];
        for (int t = 0; t < length; t++) x[t] = embedding[tokens[t]].clone();
        for (Layer layer : layers) {
            double[][] q = new double[length][];
            double[][] k = new double[length][];
            double[][] v = new double[length][];
            for (int t = 0; t < length; t++) {
                double[] xb = rmsnorm(x[t], layer.attentionNorm());
                q[t] = rope(times(layer.wq(), xb), t, c.heads());
                k[t] = rope(times(layer.wk(), xb), t, c.kvHeads());
                v[t] = times(layer.wv(), xb);
            }
            for (int t = 0; t < length; t++) {
                double[] attention = new double[c.heads() * hd];
                for (int h = 0; h < c.heads(); h++) {
                    int g = h / (c.heads() / c.kvHeads());
                    double[] weights = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= t; j++) {
                        if (!visible(t, j)) continue;
                        double s = 0;
                        for (int d = 0; d < hd; d++) s += q[t][h * hd + d] * k[j][g * hd + d];
                        weights[j] = s / Math.sqrt(hd);
                        max = Math.max(max, weights[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j <= t; j++) {
                        weights[j] = visible(t, j) ? Math.exp(weights[j] - max) : 0;
                        sum += weights[j];
                    }
                    for (int j = 0; j <= t; j++) {
                        for (int d = 0; d < hd; d++) attention[h * hd + d] += weights[j] / sum * v[j][g * hd + d];
                    }
                }
                add(x[t], times(layer.wo(), attention));
            }
            for (int t = 0; t < length; t++) {
                double[] xb = rmsnorm(x[t], layer.ffnNorm());
                double[] gate = times(layer.gate(), xb);
                double[] up = times(layer.up(), xb);
                for (int i = 0; i < gate.length; i++) gate[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
                add(x[t], times(layer.down(), gate));
            }
        }
        double[] logits = times(output, rmsnorm(x[length - 1], outputNorm));
        float[] out = new float[logits.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) logits[i];
        return out;
    }

    /** The mask: causal, and within the window when there is one. */
    private boolean visible(int t, int j) {
        return j <= t && (window == 0 || t - j < window);
    }

    /** Adjacent-pair rotary embedding of the first {@code ropeDims} dimensions of each head. */
    private double[] rope(double[] vector, int position, int heads) {
        int hd = c.headDim();
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < c.ropeDims() / 2; i++) {
                double angle = position * Math.pow(c.ropeTheta(), -2.0 * i / c.ropeDims());
                double a = vector[h * hd + 2 * i];
                double b = vector[h * hd + 2 * i + 1];
                vector[h * hd + 2 * i] = a * Math.cos(angle) - b * Math.sin(angle);
                vector[h * hd + 2 * i + 1] = a * Math.sin(angle) + b * Math.cos(angle);
            }
        }
        return vector;
    }

    private double[] rmsnorm(double[] x, double[] weight) {
        double sum = 0;
        for (double value : x) sum += value * value;
        double scale = 1 / Math.sqrt(sum / x.length + c.normEps());
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i] * scale * weight[i];
        return out;
    }

    private static double[] times(double[][] m, double[] x) {
        double[] out = new double[m.length];
        for (int r = 0; r < m.length; r++) {
            double s = 0;
            for (int i = 0; i < x.length; i++) s += m[r][i] * x[i];
            out[r] = s;
        }
        return out;
    }

    private static void add(double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) x[i] += y[i];
    }

    private static double[][] dense(WeightMatrix w) {
        double[][] out = new double[w.rows()][];
        float[] row = new float[w.cols()];
        for (int r = 0; r < w.rows(); r++) {
            w.dequantizeRow(r, row, 0);
            out[r] = toDouble(row);
        }
        return out;
    }

    private static double[] toDouble(float[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i];
        return out;
    }
}
