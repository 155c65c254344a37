package org.replique.engine.cpu;

import org.replique.engine.backend.Cancellation;
import org.replique.engine.kernel.Kernels;
import org.replique.engine.kernel.PreparedInput;
import org.replique.engine.model.LayerWeights;
import org.replique.engine.model.ModelConfig;
import org.replique.engine.model.ModelWeights;
import org.replique.engine.tensor.WeightMatrix;

/**
 * The Llama/Mistral forward pass on the CPU for a chunk of consecutive tokens, top to bottom as
 * in the paper: embedding → per layer (RMSNorm, Q/K/V, RoPE, grouped-query attention, output
 * projection + residual, RMSNorm, SwiGLU feed-forward + residual) → final norm → logits of the
 * last token only. The arithmetic of each step follows ggml's so that results match llama.cpp.
 */
final class Transformer {
    private final ModelConfig c;
    private final ModelWeights w;
    private final Kernels kernels;
    private final RotaryEmbedding rope;

    Transformer(ModelConfig config, ModelWeights weights, Kernels kernels) {
        this.c = config;
        this.w = weights;
        this.kernels = kernels;
        this.rope = new RotaryEmbedding(config.ropeDims(), config.headDim(), config.ropeTheta());
    }

    /** Evaluates {@code n} tokens at positions {@code state.length()…}; returns the last logits when asked. */
    float[] forward(CpuState state, int[] tokens, int offset, int n, boolean wantLogits, Cancellation cancel) {
        CpuState.Scratch s = state.scratch;
        int dim = c.dim();
        int qDim = c.heads() * c.headDim();
        int kvDim = c.kvDim();
        int start = state.length();

        for (int t = 0; t < n; t++) {
            w.tokenEmbedding().dequantizeRow(tokens[offset + t], s.x, t * dim);
        }

        for (int l = 0; l < c.layers(); l++) {
            cancel.check();
            LayerWeights layer = w.layers().get(l);

            // Attention block.
            for (int t = 0; t < n; t++) rmsnorm(s.xb, t * dim, s.x, t * dim, layer.attentionNorm(), dim, c.rmsEps());
            matmul(layer.wq(), s.xb, n, s.q);
            matmul(layer.wk(), s.xb, n, s.k);
            matmul(layer.wv(), s.xb, n, s.v);
            for (int t = 0; t < n; t++) {
                int pos = start + t;
                rope.apply(s.q, t * qDim, c.heads(), pos);
                rope.apply(s.k, t * kvDim, c.kvHeads(), pos);
                int slot = (pos % state.slots) * kvDim;
                System.arraycopy(s.k, t * kvDim, state.keys[l], slot, kvDim);
                System.arraycopy(s.v, t * kvDim, state.values[l], slot, kvDim);
            }
            attend(state, l, start, n);
            matmul(layer.wo(), s.attention, n, s.projected);
            for (int i = 0; i < n * dim; i++) s.x[i] += s.projected[i];

            // Feed-forward block: down(silu(gate(x)) ⊙ up(x)).
            for (int t = 0; t < n; t++) rmsnorm(s.xb, t * dim, s.x, t * dim, layer.ffnNorm(), dim, c.rmsEps());
            matmul(layer.wGate(), s.xb, n, s.gate);
            matmul(layer.wUp(), s.xb, n, s.up);
            swiglu(s.gate, s.up, n * c.ffnDim());
            matmul(layer.wDown(), s.gate, n, s.projected);
            for (int i = 0; i < n * dim; i++) s.x[i] += s.projected[i];
        }
        cancel.check();
        state.advance(n);
        if (!wantLogits) {
            return null;
        }
        rmsnorm(s.last, 0, s.x, (n - 1) * dim, w.outputNorm(), dim, c.rmsEps());
        float[] logits = new float[c.vocabSize()];
        matmul(w.output(), s.last, 1, logits);
        return logits;
    }

    /** Causal (and, when set, sliding-window) attention of every new token over the cache. */
    private void attend(CpuState state, int layer, int start, int n) {
        CpuState.Scratch s = state.scratch;
        int headDim = c.headDim();
        int qDim = c.heads() * headDim;
        float scale = 1.0f / (float) Math.sqrt(headDim);
        for (int t = 0; t < n; t++) {
            int pos = start + t;
            int first = state.window > 0 ? Math.max(0, pos - state.window + 1) : 0;
            int length = pos - first + 1;
            for (int h = 0; h < c.heads(); h++) {
                int kvHead = h / c.groupSize();
                kernels.attention(s.q, t * qDim + h * headDim, state.keys[layer], state.values[layer],
                        kvHead * headDim, c.kvDim(), state.slots, first % state.slots, length, headDim, scale,
                        s.scores, s.attention, t * qDim + h * headDim);
            }
        }
    }

    private void matmul(WeightMatrix weights, float[] x, int rows, float[] out) {
        PreparedInput input = kernels.prepare(weights, x, rows);
        kernels.matmul(weights, input, out);
    }

    /**
     * {@code out = x / sqrt(mean(x²) + eps) · weight}; the sum of squares in double, as ggml does.
     */
    static void rmsnorm(float[] out, int outOffset, float[] x, int xOffset, float[] weight, int dim, float eps) {
        double sum = 0;
        for (int i = 0; i < dim; i++) {
            float v = x[xOffset + i];
            sum += v * v;
        }
        float mean = (float) (sum / dim);
        float scale = 1.0f / (float) Math.sqrt(mean + eps);
        for (int i = 0; i < dim; i++) {
            out[outOffset + i] = (x[xOffset + i] * scale) * weight[i];
        }
    }

    /** {@code gate[i] = silu(gate[i]) · up[i]} with {@code silu(x) = x / (1 + e^-x)}. */
    static void swiglu(float[] gate, float[] up, int n) {
        for (int i = 0; i < n; i++) {
            float g = gate[i];
            gate[i] = (float) (g / (1.0f + (float) Math.exp(-g))) * up[i];
        }
    }
}
