package org.replique.engine.model;

/**
 * How a transformer block computes, as data: the forward pass of every backend follows it instead
 * of branching on the architecture's name. The weights say the rest: whether Q/K/V come from one
 * fused matrix, whether the norms have a bias, and whether attention has its own second norm
 * (Falcon-40B's {@code attn_norm_2}).
 *
 * @param norm        the normalization before attention and the feed-forward
 * @param parallel    attention and the feed-forward both read the same normalized input and both
 *                    add to the residual ({@code x + attn(n(x)) + ffn(n(x))}), instead of one after
 *                    the other with a second norm ({@code h = x + attn(n(x)); h + ffn(n'(h))})
 * @param feedForward the feed-forward network
 * @param rope        which elements of a head the rotary embedding turns together
 */
public record BlockLayout(Norm norm, boolean parallel, FeedForward feedForward, Rope rope) {

    /** Normalization of a block's input. */
    public enum Norm {
        /** {@code x / sqrt(mean(x²) + ε) · w} (Llama). */
        RMS,
        /** {@code (x − mean) / sqrt(var + ε) · w + b} (Falcon). */
        LAYER
    }

    /** The feed-forward network. */
    public enum FeedForward {
        /** {@code down(silu(gate(x)) ⊙ up(x))} (Llama). */
        SWIGLU,
        /** {@code down(gelu(up(x)))}, GELU in its tanh form (Falcon). */
        GELU
    }

    /** The pairs of a head the rotary embedding rotates. */
    public enum Rope {
        /** Elements {@code (2i, 2i+1)}: GGUF {@code llama}'s layout (llama.cpp's "normal" mode). */
        ADJACENT_PAIRS,
        /** Elements {@code (i, i + d/2)}: GPT-NeoX's layout, used by Falcon (llama.cpp's "NeoX" mode). */
        HALVES
    }

    /** Llama and Mistral: RMSNorm, sequential attention and SwiGLU, adjacent-pair RoPE. */
    public static final BlockLayout LLAMA = new BlockLayout(Norm.RMS, false, FeedForward.SWIGLU, Rope.ADJACENT_PAIRS);

    /** Falcon: LayerNorm, attention and a GELU MLP in parallel on one normalized input, NeoX RoPE. */
    public static final BlockLayout FALCON = new BlockLayout(Norm.LAYER, true, FeedForward.GELU, Rope.HALVES);
}
