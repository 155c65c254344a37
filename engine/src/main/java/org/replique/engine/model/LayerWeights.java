package org.replique.engine.model;

import org.replique.engine.tensor.WeightMatrix;

/** The weights of one transformer block, named after the paper's symbols. */
public record LayerWeights(
        float[] attentionNorm,
        WeightMatrix wq,
        WeightMatrix wk,
        WeightMatrix wv,
        WeightMatrix wo,
        float[] ffnNorm,
        WeightMatrix wGate,
        WeightMatrix wUp,
        WeightMatrix wDown) {}
