package org.replique.engine.cpu;

import org.replique.engine.backend.Cancellation;
import org.replique.engine.kernel.Kernels;
import org.replique.engine.kernel.PreparedInput;
import org.replique.engine.model.BlockLayout;
import org.replique.engine.model.LayerWeights;
import org.replique.engine.model.ModelConfig;
import org.replique.engine.model.ModelWeights;
import org.replique.engine.tensor.WeightMatrix;

/**
 * The forward pass on the CPU for a chunk of consecutive tokens, top to bottom as in the papers:
 * embedding → per layer (norm, Q/K/V, RoPE, attention, output projection, feed-forward, residual)
 * → final norm → logits of the last token only. What differs between architectures is data, the
 * model's {@link BlockLayout} and which weights it has:
 *
 * <ul>
 * <li>Llama/Mistral: RMSNorm; {@code h = x + W_o·attn(q, k, v)}; then RMSNorm again and
 * {@code x' = h + down(silu(gate(n)) ⊙ up(n))}; RoPE on adjacent pairs.
 * <li>Falcon: one LayerNorm {@code n = LN(x)} feeds both attention (Falcon-40B normalizes its
 * input with a second LayerNorm) and the MLP, {@code x' = (down(gelu(up(n))) + W_o·attn(…)) + x};
 * Q, K and V come from one fused matrix; RoPE on NeoX's half-split pairs; multi-query attention.
 * </ul>
 *
 * The arithmetic of each step follows ggml's so that results match llama.cpp.
 *
 * <p>The multiplications and the attention heads are spread over the {@link ComputePool}; the
 * cheap element-wise steps between them (norms, RoPE, residuals, activation quantization) run on
 * the calling thread. A layer is four multiplication jobs (Q/K/V together, the output projection,
 * the first feed-forward matrices with the activation, down) and one attention job.
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
    private final BlockLayout block;
    private final ModelWeights w;
    private final Kernels kernels;
    private final ComputePool pool;
    private final ParallelMatmul matmuls;
    private final RotaryEmbedding rope;
    /** Step times, when enabled: each step of the pass below ends with a lap. */
    private final ForwardProfile profile;

    Transformer(ModelConfig config, ModelWeights weights, Kernels kernels, ComputePool pool, ForwardProfile profile) {
        this.c = config;
        this.block = config.block();
        this.w = weights;
        this.kernels = kernels;
        this.pool = pool;
        this.matmuls = new ParallelMatmul(pool, kernels);
        this.rope = new RotaryEmbedding(config.ropeDims(), config.headDim(), config.ropeTheta(), block.rope());
        this.profile = profile;
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
        ForwardProfile p = profile;
        p.begin(batch);

        for (int t = 0; t < n; t++) {
            w.tokenEmbedding().dequantizeRow(tokens[offset + t], s.x, t * dim);
        }
        RotaryEmbedding.Angles[] angles = new RotaryEmbedding.Angles[n];
        for (int t = 0; t < n; t++) angles[t] = rope.angles(start + t);
        p.lap(ForwardProfile.Step.EMBEDDING);

        for (int l = 0; l < c.layers(); l++) {
            cancel.check();
            LayerWeights layer = w.layers().get(l);

            // Attention block: norm, Q/K/V, RoPE, cache, attention, output projection.
            for (int t = 0; t < n; t++) norm(s.xb, t * dim, s.x, t * dim, layer.attentionNorm(), layer.attentionNormBias());
            float[] attentionInput = s.xb;
            if (layer.attentionNorm2() != null) {
                for (int t = 0; t < n; t++) norm(s.xb2, t * dim, s.x, t * dim, layer.attentionNorm2(), layer.attentionNorm2Bias());
                attentionInput = s.xb2;
            }
            p.lap(ForwardProfile.Step.NORM);
            PreparedInput xqkv = projectQkv(s, layer, attentionInput, n);
            for (int t = 0; t < n; t++) {
                rope.apply(kernels, s.q, t * qDim, c.heads(), angles[t]);
                rope.apply(kernels, s.k, t * kvDim, c.kvHeads(), angles[t]);
                state.kv.store(l, (start + t) % state.slots, s.k, t * kvDim, s.v, t * kvDim);
            }
            p.lap(ForwardProfile.Step.ROPE_KV);
            attend(state, l, start, n, batch);
            p.lap(ForwardProfile.Step.ATTENTION);
            PreparedInput attention = prepare(s, ATTENTION_OUTPUT, layer.wo(), s.attention, n);
            p.lap(ForwardProfile.Step.QUANTIZE);
            matmuls.multiply(layer.wo(), attention, s.projected);
            p.lap(ForwardProfile.Step.OUTPUT_PROJECTION, bytes(layer.wo()));

            // In the last layer only the token whose logits are wanted needs the feed-forward (none
            // when none are), as in llama.cpp, which multiplies that token alone.
            int first = l < c.layers() - 1 ? 0 : wantLogits ? n - 1 : n;
            int count = n - first;
            int base = first * dim;
            if (block.parallel()) {
                // The MLP reads the attention norm's output too; both results join the residual
                // together, as ggml adds them: (mlp + attention) + x.
                if (count > 0) {
                    PreparedInput xUp;
                    if (first == 0 && attentionInput == s.xb) {
                        xUp = kernels.share(xqkv, layer.wUp(), s.xb, n);
                    } else {
                        System.arraycopy(s.xb, base, s.xb, 0, count * dim);
                        xUp = prepare(s, FFN_INPUT, layer.wUp(), s.xb, count);
                    }
                    feedForward(s, layer, xUp, count, s.ffnOut);
                    for (int i = 0; i < count * dim; i++) {
                        s.x[base + i] = (s.ffnOut[i] + s.projected[base + i]) + s.x[base + i];
                    }
                    p.lap(ForwardProfile.Step.RESIDUAL);
                }
            } else {
                for (int i = 0; i < n * dim; i++) s.x[i] += s.projected[i];
                p.lap(ForwardProfile.Step.RESIDUAL);
                if (count > 0) {
                    for (int t = 0; t < count; t++) norm(s.xb, t * dim, s.x, base + t * dim, layer.ffnNorm(), null);
                    p.lap(ForwardProfile.Step.NORM);
                    feedForward(s, layer, null, count, s.projected);
                    for (int i = 0; i < count * dim; i++) s.x[base + i] += s.projected[i];
                    p.lap(ForwardProfile.Step.RESIDUAL);
                }
            }
        }
        cancel.check();
        state.advance(n);
        if (!wantLogits) {
            p.end(n, c.layers());
            return null;
        }
        norm(s.last, 0, s.x, (n - 1) * dim, w.outputNorm(), w.outputNormBias());
        p.lap(ForwardProfile.Step.NORM);
        float[] logits = new float[c.vocabSize()];
        PreparedInput last = prepare(s, FINAL, w.output(), s.last, 1);
        p.lap(ForwardProfile.Step.QUANTIZE);
        matmuls.multiply(w.output(), last, logits);
        p.lap(ForwardProfile.Step.LOGITS, bytes(w.output()));
        p.end(n, c.layers());
        return logits;
    }

    private static long bytes(WeightMatrix m) {
        return m == null ? 0 : m.data().byteSize();
    }

    /** One row of {@code out} = the layout's norm of one row of {@code x} (RMSNorm, or LayerNorm with {@code bias}). */
    private void norm(float[] out, int outOffset, float[] x, int xOffset, float[] weight, float[] bias) {
        if (block.norm() == BlockLayout.Norm.RMS) {
            Normalization.rms(out, outOffset, x, xOffset, weight, c.dim(), c.normEps());
        } else {
            Normalization.layer(out, outOffset, x, xOffset, weight, bias, c.dim(), c.normEps());
        }
    }

    /**
     * {@code s.q}, {@code s.k}, {@code s.v} from {@code input}: three matrices in one job, or one
     * fused matrix whose output rows (queries, keys, values) are then split. Returns the prepared
     * input, which a parallel block's MLP may share.
     */
    private PreparedInput projectQkv(CpuState.Scratch s, LayerWeights layer, float[] input, int n) {
        if (layer.wqkv() == null) {
            PreparedInput xq = prepare(s, ATTENTION_INPUT, layer.wq(), input, n);
            PreparedInput xk = kernels.share(xq, layer.wk(), input, n);
            PreparedInput xv = kernels.share(xq, layer.wv(), input, n);
            profile.lap(ForwardProfile.Step.QUANTIZE);
            matmuls.multiply(new WeightMatrix[] {layer.wq(), layer.wk(), layer.wv()},
                    new PreparedInput[] {xq, xk, xv}, new float[][] {s.q, s.k, s.v});
            profile.lap(ForwardProfile.Step.QKV, bytes(layer.wq()) + bytes(layer.wk()) + bytes(layer.wv()));
            return xq;
        }
        PreparedInput x = prepare(s, ATTENTION_INPUT, layer.wqkv(), input, n);
        profile.lap(ForwardProfile.Step.QUANTIZE);
        matmuls.multiply(layer.wqkv(), x, s.qkv);
        profile.lap(ForwardProfile.Step.QKV, bytes(layer.wqkv()));
        int qDim = c.heads() * c.headDim();
        int kvDim = c.kvDim();
        int rows = qDim + 2 * kvDim;
        for (int t = 0; t < n; t++) {
            System.arraycopy(s.qkv, t * rows, s.q, t * qDim, qDim);
            System.arraycopy(s.qkv, t * rows + qDim, s.k, t * kvDim, kvDim);
            System.arraycopy(s.qkv, t * rows + qDim + kvDim, s.v, t * kvDim, kvDim);
        }
        return x;
    }

    /**
     * The feed-forward of the normalized rows in {@code s.xb} into {@code out}:
     * {@code down(silu(gate(x)) ⊙ up(x))} or {@code down(gelu(up(x)))}. {@code xUp} is {@code s.xb}
     * already prepared for the first matrix, or null.
     */
    private void feedForward(CpuState.Scratch s, LayerWeights layer, PreparedInput xUp, int n, float[] out) {
        float[] hiddenRows;
        if (block.feedForward() == BlockLayout.FeedForward.SWIGLU) {
            PreparedInput xGate = prepare(s, FFN_INPUT, layer.wGate(), s.xb, n);
            PreparedInput xUpShared = kernels.share(xGate, layer.wUp(), s.xb, n);
            profile.lap(ForwardProfile.Step.QUANTIZE);
            matmuls.gateUp(layer.wGate(), xGate, layer.wUp(), xUpShared, s.gate, s.up);
            hiddenRows = s.gate;
        } else {
            if (xUp == null) xUp = prepare(s, FFN_INPUT, layer.wUp(), s.xb, n);
            profile.lap(ForwardProfile.Step.QUANTIZE);
            matmuls.upGelu(layer.wUp(), xUp, s.up);
            hiddenRows = s.up;
        }
        profile.lap(ForwardProfile.Step.GATE_UP, bytes(layer.wGate()) + bytes(layer.wUp()));
        PreparedInput hidden = prepare(s, FFN_HIDDEN, layer.wDown(), hiddenRows, n);
        profile.lap(ForwardProfile.Step.QUANTIZE);
        matmuls.multiply(layer.wDown(), hidden, out);
        profile.lap(ForwardProfile.Step.DOWN, bytes(layer.wDown()));
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
}
