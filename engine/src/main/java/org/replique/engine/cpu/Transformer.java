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
 *
 * <p>The multiplications and the attention heads are spread over the {@link ComputePool}; the
 * cheap element-wise steps between them (norms, RoPE, residuals, activation quantization) run on
 * the calling thread. A layer is four multiplication jobs (Q/K/V together, the output projection,
 * gate/up with the activation, down) and one attention job.
 */
final class Transformer {
    /** Where activations are prepared: each site reuses its own {@link PreparedInput} from layer to layer. */
    static final int PREPARED_SITES = 5;
    private static final int ATTENTION_INPUT = 0;
    private static final int ATTENTION_OUTPUT = 1;
    private static final int FFN_INPUT = 2;
    private static final int FFN_HIDDEN = 3;
    private static final int FINAL = 4;

    /** Below this many multiply-adds, attention runs on the calling thread: a job would cost more. */
    private static final long PARALLEL_ATTENTION_WORK = 1 << 18;

    private final ModelConfig c;
    private final ModelWeights w;
    private final Kernels kernels;
    private final ComputePool pool;
    private final ParallelMatmul matmuls;
    private final RotaryEmbedding rope;

    Transformer(ModelConfig config, ModelWeights weights, Kernels kernels, ComputePool pool) {
        this.c = config;
        this.w = weights;
        this.kernels = kernels;
        this.pool = pool;
        this.matmuls = new ParallelMatmul(pool, kernels);
        this.rope = new RotaryEmbedding(config.ropeDims(), config.headDim(), config.ropeTheta());
    }

    /**
     * Evaluates {@code n} tokens at positions {@code state.length()…}; returns the last logits when
     * asked. {@code batch}: they are part of several tokens evaluated together (a prompt, maybe in
     * chunks), which ggml's attention sums in another order than a single token.
     */
    float[] forward(CpuState state, int[] tokens, int offset, int n, boolean batch, boolean wantLogits,
                    Cancellation cancel) {
        CpuState.Scratch s = state.scratch;
        int dim = c.dim();
        int qDim = c.heads() * c.headDim();
        int kvDim = c.kvDim();
        int start = state.length();
        state.willWrite(n);

        for (int t = 0; t < n; t++) {
            w.tokenEmbedding().dequantizeRow(tokens[offset + t], s.x, t * dim);
        }
        RotaryEmbedding.Angles[] angles = new RotaryEmbedding.Angles[n];
        for (int t = 0; t < n; t++) angles[t] = rope.angles(start + t);

        for (int l = 0; l < c.layers(); l++) {
            cancel.check();
            LayerWeights layer = w.layers().get(l);

            // Attention block.
            for (int t = 0; t < n; t++) rmsnorm(s.xb, t * dim, s.x, t * dim, layer.attentionNorm(), dim, c.rmsEps());
            PreparedInput xq = prepare(s, ATTENTION_INPUT, layer.wq(), s.xb, n);
            PreparedInput xk = kernels.share(xq, layer.wk(), s.xb, n);
            PreparedInput xv = kernels.share(xq, layer.wv(), s.xb, n);
            matmuls.multiply(new WeightMatrix[] {layer.wq(), layer.wk(), layer.wv()},
                    new PreparedInput[] {xq, xk, xv}, new float[][] {s.q, s.k, s.v});
            for (int t = 0; t < n; t++) {
                rope.apply(kernels, s.q, t * qDim, c.heads(), angles[t]);
                rope.apply(kernels, s.k, t * kvDim, c.kvHeads(), angles[t]);
                state.kv.store(l, (start + t) % state.slots, s.k, t * kvDim, s.v, t * kvDim);
            }
            attend(state, l, start, n, batch);
            matmuls.multiply(layer.wo(), prepare(s, ATTENTION_OUTPUT, layer.wo(), s.attention, n), s.projected);
            for (int i = 0; i < n * dim; i++) s.x[i] += s.projected[i];

            // Feed-forward block. In the last layer only the token whose logits are wanted needs
            // it (none when none are), as in llama.cpp, which multiplies that token alone.
            int first = l < c.layers() - 1 ? 0 : wantLogits ? n - 1 : n;
            feedForward(layer, s, first, n - first);
        }
        cancel.check();
        state.advance(n);
        if (!wantLogits) {
            return null;
        }
        rmsnorm(s.last, 0, s.x, (n - 1) * dim, w.outputNorm(), dim, c.rmsEps());
        float[] logits = new float[c.vocabSize()];
        matmuls.multiply(w.output(), prepare(s, FINAL, w.output(), s.last, 1), logits);
        return logits;
    }

    /** {@code x += down(silu(gate(norm(x))) ⊙ up(norm(x)))} for the {@code count} tokens from {@code first}. */
    private void feedForward(LayerWeights layer, CpuState.Scratch s, int first, int count) {
        if (count == 0) return;
        int dim = c.dim();
        int base = first * dim;
        for (int t = 0; t < count; t++) rmsnorm(s.xb, t * dim, s.x, base + t * dim, layer.ffnNorm(), dim, c.rmsEps());
        PreparedInput xGate = prepare(s, FFN_INPUT, layer.wGate(), s.xb, count);
        matmuls.gateUp(layer.wGate(), xGate, layer.wUp(), kernels.share(xGate, layer.wUp(), s.xb, count), s.gate, s.up);
        matmuls.multiply(layer.wDown(), prepare(s, FFN_HIDDEN, layer.wDown(), s.gate, count), s.projected);
        for (int i = 0; i < count * dim; i++) s.x[base + i] += s.projected[i];
    }

    /** {@code x} prepared for {@code weights}, in the state's reusable input for {@code site}. */
    private PreparedInput prepare(CpuState.Scratch s, int site, WeightMatrix weights, float[] x, int n) {
        PreparedInput p = kernels.prepare(weights, x, n, s.prepared[site]);
        s.prepared[site] = p;
        return p;
    }

    /** Causal (and, when set, sliding-window) attention of every new token over the cache, one task per head. */
    private void attend(CpuState state, int layer, int start, int n, boolean batch) {
        CpuState.Scratch s = state.scratch;
        int heads = c.heads();
        int headDim = c.headDim();
        int qDim = heads * headDim;
        float scale = 1.0f / (float) Math.sqrt(headDim);
        long work = 0;
        for (int t = 0; t < n; t++) work += (long) span(state, start + t) * qDim;
        ComputePool.Task task = (index, worker) -> {
            int t = index / heads;
            int h = index % heads;
            int pos = start + t;
            int length = span(state, pos);
            int first = pos - length + 1;
            state.kv.attend(kernels, layer, s.q, t * qDim + h * headDim, (h / c.groupSize()) * headDim,
                    first % state.slots, length, headDim, scale, batch, s.scores[worker], s.attention, t * qDim + h * headDim);
        };
        if (work < PARALLEL_ATTENTION_WORK) {
            for (int i = 0; i < n * heads; i++) task.run(i, 0);
        } else {
            pool.run(n * heads, task);
        }
    }

    /** How many positions the token at {@code pos} attends to: all before it, or the window's. */
    private static int span(CpuState state, int pos) {
        int first = state.window > 0 ? Math.max(0, pos - state.window + 1) : 0;
        return pos - first + 1;
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
}
