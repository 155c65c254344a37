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
    private final ForwardProfile profile;

    Transformer(ModelConfig config, ModelWeights weights, Kernels kernels, ComputePool pool, ForwardProfile profile) {
        this.c = config;
        this.w = weights;
        this.kernels = kernels;
        this.pool = pool;
        this.matmuls = new ParallelMatmul(pool, kernels);
        this.rope = new RotaryEmbedding(config.ropeDims(), config.headDim(), config.ropeTheta());
        this.profile = profile;
    }

    /** Evaluates {@code n} tokens at positions {@code state.length()…}; returns the last logits when asked. */
    float[] forward(CpuState state, int[] tokens, int offset, int n, boolean wantLogits, Cancellation cancel) {
        CpuState.Scratch s = state.scratch;
        int dim = c.dim();
        int qDim = c.heads() * c.headDim();
        int kvDim = c.kvDim();
        int start = state.length();
        state.willWrite(n);
        ForwardProfile p = profile;
        boolean batch = n > 1;
        long began = p.start();
        long t = began;

        for (int i = 0; i < n; i++) {
            w.tokenEmbedding().dequantizeRow(tokens[offset + i], s.x, i * dim);
        }
        RotaryEmbedding.Angles[] angles = new RotaryEmbedding.Angles[n];
        for (int i = 0; i < n; i++) angles[i] = rope.angles(start + i);
        t = p.lap(batch, ForwardProfile.Step.EMBEDDING, t);

        for (int l = 0; l < c.layers(); l++) {
            cancel.check();
            LayerWeights layer = w.layers().get(l);

            // Attention block.
            for (int i = 0; i < n; i++) rmsnorm(s.xb, i * dim, s.x, i * dim, layer.attentionNorm(), dim, c.rmsEps());
            t = p.lap(batch, ForwardProfile.Step.NORM, t);
            PreparedInput xq = prepare(s, ATTENTION_INPUT, layer.wq(), s.xb, n);
            PreparedInput xk = kernels.share(xq, layer.wk(), s.xb, n);
            PreparedInput xv = kernels.share(xq, layer.wv(), s.xb, n);
            t = p.lap(batch, ForwardProfile.Step.QUANTIZE, t);
            matmuls.multiply(new WeightMatrix[] {layer.wq(), layer.wk(), layer.wv()},
                    new PreparedInput[] {xq, xk, xv}, new float[][] {s.q, s.k, s.v});
            t = p.lap(batch, ForwardProfile.Step.QKV, t, bytes(layer.wq()) + bytes(layer.wk()) + bytes(layer.wv()));
            for (int i = 0; i < n; i++) {
                rope.apply(kernels, s.q, i * qDim, c.heads(), angles[i]);
                rope.apply(kernels, s.k, i * kvDim, c.kvHeads(), angles[i]);
                state.kv.store(l, (start + i) % state.slots, s.k, i * kvDim, s.v, i * kvDim);
            }
            t = p.lap(batch, ForwardProfile.Step.ROPE_KV, t);
            attend(state, l, start, n);
            t = p.lap(batch, ForwardProfile.Step.ATTENTION, t);
            PreparedInput attention = prepare(s, ATTENTION_OUTPUT, layer.wo(), s.attention, n);
            t = p.lap(batch, ForwardProfile.Step.QUANTIZE, t);
            matmuls.multiply(layer.wo(), attention, s.projected);
            t = p.lap(batch, ForwardProfile.Step.OUTPUT_PROJECTION, t, bytes(layer.wo()));
            for (int i = 0; i < n * dim; i++) s.x[i] += s.projected[i];
            t = p.lap(batch, ForwardProfile.Step.RESIDUAL, t);

            // Feed-forward block: down(silu(gate(x)) ⊙ up(x)).
            for (int i = 0; i < n; i++) rmsnorm(s.xb, i * dim, s.x, i * dim, layer.ffnNorm(), dim, c.rmsEps());
            t = p.lap(batch, ForwardProfile.Step.NORM, t);
            PreparedInput xGate = prepare(s, FFN_INPUT, layer.wGate(), s.xb, n);
            PreparedInput xUp = kernels.share(xGate, layer.wUp(), s.xb, n);
            t = p.lap(batch, ForwardProfile.Step.QUANTIZE, t);
            matmuls.gateUp(layer.wGate(), xGate, layer.wUp(), xUp, s.gate, s.up);
            t = p.lap(batch, ForwardProfile.Step.GATE_UP, t, bytes(layer.wGate()) + bytes(layer.wUp()));
            PreparedInput hidden = prepare(s, FFN_HIDDEN, layer.wDown(), s.gate, n);
            t = p.lap(batch, ForwardProfile.Step.QUANTIZE, t);
            matmuls.multiply(layer.wDown(), hidden, s.projected);
            t = p.lap(batch, ForwardProfile.Step.DOWN, t, bytes(layer.wDown()));
            for (int i = 0; i < n * dim; i++) s.x[i] += s.projected[i];
            t = p.lap(batch, ForwardProfile.Step.RESIDUAL, t);
        }
        cancel.check();
        state.advance(n);
        if (!wantLogits) {
            p.call(batch, n, c.layers(), began);
            return null;
        }
        rmsnorm(s.last, 0, s.x, (n - 1) * dim, w.outputNorm(), dim, c.rmsEps());
        t = p.lap(batch, ForwardProfile.Step.NORM, t);
        float[] logits = new float[c.vocabSize()];
        PreparedInput last = prepare(s, FINAL, w.output(), s.last, 1);
        t = p.lap(batch, ForwardProfile.Step.QUANTIZE, t);
        matmuls.multiply(w.output(), last, logits);
        p.lap(batch, ForwardProfile.Step.LOGITS, t, bytes(w.output()));
        p.call(batch, n, c.layers(), began);
        return logits;
    }

    private static long bytes(WeightMatrix m) {
        return m.data().byteSize();
    }

    /** {@code x} prepared for {@code weights}, in the state's reusable input for {@code site}. */
    private PreparedInput prepare(CpuState.Scratch s, int site, WeightMatrix weights, float[] x, int n) {
        PreparedInput p = kernels.prepare(weights, x, n, s.prepared[site]);
        s.prepared[site] = p;
        return p;
    }

    /** Causal (and, when set, sliding-window) attention of every new token over the cache, one task per head. */
    private void attend(CpuState state, int layer, int start, int n) {
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
                    first % state.slots, length, headDim, scale, s.scores[worker], s.attention, t * qDim + h * headDim);
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
