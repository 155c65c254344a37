package org.replique.engine.model;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.replique.engine.tensor.WeightMatrix;

/**
 * The weights of one transformer block, named after the paper's symbols. What a layout lacks is
 * null: Llama has separate {@code wq}, {@code wk}, {@code wv}, a second norm before the
 * feed-forward and a gate; Falcon has one fused {@code wqkv} (rows: the query heads, then the key
 * heads, then the value heads), norm biases, no gate, no feed-forward norm (its MLP reads the
 * attention norm's output) and, in Falcon-40B, its own norm for the attention input.
 *
 * @param attentionNorm2     Falcon-40B's separate norm of the attention input ({@code attn_norm_2}), or null
 * @param attentionNorm2Bias its bias, or null
 */
public record LayerWeights(
        float[] attentionNorm,
        float[] attentionNormBias,
        float[] attentionNorm2,
        float[] attentionNorm2Bias,
        WeightMatrix wq,
        WeightMatrix wk,
        WeightMatrix wv,
        WeightMatrix wqkv,
        WeightMatrix wo,
        float[] ffnNorm,
        WeightMatrix wGate,
        WeightMatrix wUp,
        WeightMatrix wDown) {

    /** A Llama block: RMSNorms without bias, separate Q/K/V, SwiGLU. */
    public static LayerWeights llama(float[] attentionNorm, WeightMatrix wq, WeightMatrix wk, WeightMatrix wv,
                                     WeightMatrix wo, float[] ffnNorm, WeightMatrix wGate, WeightMatrix wUp,
                                     WeightMatrix wDown) {
        return new LayerWeights(attentionNorm, null, null, null, wq, wk, wv, null, wo, ffnNorm, wGate, wUp, wDown);
    }

    /** A Falcon block: LayerNorm(s) with bias, fused Q/K/V, a GELU MLP. */
    public static LayerWeights falcon(float[] attentionNorm, float[] attentionNormBias, float[] attentionNorm2,
                                      float[] attentionNorm2Bias, WeightMatrix wqkv, WeightMatrix wo, WeightMatrix wUp,
                                      WeightMatrix wDown) {
        return new LayerWeights(attentionNorm, attentionNormBias, attentionNorm2, attentionNorm2Bias, null, null, null,
                wqkv, wo, null, null, wUp, wDown);
    }

    /** The matrices this block has, in the order of the record's components. */
    public List<WeightMatrix> matrices() {
        List<WeightMatrix> all = new ArrayList<>();
        for (WeightMatrix m : new WeightMatrix[] {wq, wk, wv, wqkv, wo, wGate, wUp, wDown}) {
            if (m != null) all.add(m);
        }
        return all;
    }

    /** The same block with every matrix replaced by {@code f} of it (norms kept, absent parts stay null). */
    public LayerWeights withMatrices(UnaryOperator<WeightMatrix> f) {
        UnaryOperator<WeightMatrix> g = m -> m == null ? null : f.apply(m);
        return new LayerWeights(attentionNorm, attentionNormBias, attentionNorm2, attentionNorm2Bias, g.apply(wq),
                g.apply(wk), g.apply(wv), g.apply(wqkv), g.apply(wo), ffnNorm, g.apply(wGate), g.apply(wUp),
                g.apply(wDown));
    }
}
