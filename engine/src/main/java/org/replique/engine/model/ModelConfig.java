package org.replique.engine.model;

import static org.replique.engine.gguf.GgufException.Kind;

import java.nio.file.Path;
import org.replique.engine.gguf.GgufException;
import org.replique.engine.gguf.GgufMetadata;

/**
 * Hyperparameters of a model, read from GGUF metadata only (never inferred from the model's
 * name): the {@code llama} architecture (Llama, Mistral) or {@code falcon} (Falcon-7B and -40B).
 *
 * @param normEps       ε of the block norms (RMSNorm's or LayerNorm's, per {@link BlockLayout#norm})
 * @param slidingWindow attention span in positions, or 0 for full causal attention
 * @param block         how each block computes
 */
public record ModelConfig(
        String architecture,
        int dim,
        int layers,
        int heads,
        int kvHeads,
        int headDim,
        int ffnDim,
        int vocabSize,
        int contextLength,
        float normEps,
        float ropeTheta,
        int ropeDims,
        int slidingWindow,
        BlockLayout block) {

    public int kvDim() {
        return kvHeads * headDim;
    }

    /** Query heads per KV head (grouped-query attention). */
    public int groupSize() {
        return heads / kvHeads;
    }

    public ModelConfig withSlidingWindow(int window) {
        return new ModelConfig(architecture, dim, layers, heads, kvHeads, headDim, ffnDim, vocabSize, contextLength,
                normEps, ropeTheta, ropeDims, window, block);
    }

    /** Reads the configuration; {@code vocabSize} is the tokenizer's when the key is absent. */
    public static ModelConfig from(GgufMetadata m, Path file, int tokenizerVocabSize) {
        String arch = m.getString("general.architecture");
        BlockLayout block = switch (arch) {
            case "llama" -> BlockLayout.LLAMA;
            case "falcon" -> BlockLayout.FALCON;
            default -> throw new GgufException(Kind.UNKNOWN_ARCHITECTURE, file, "architecture '" + arch
                    + "' is not supported (this engine runs 'llama', which includes Mistral, and 'falcon')");
        };
        String p = arch + ".";
        int dim = m.getInt(p + "embedding_length");
        int layers = m.getInt(p + "block_count");
        int heads = m.getInt(p + "attention.head_count");
        int kvHeads = m.getInt(p + "attention.head_count_kv", heads);
        int ffn = m.getInt(p + "feed_forward_length");
        if (dim <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || ffn <= 0) {
            throw new GgufException(Kind.MALFORMED_METADATA, file, "non-positive hyperparameter (dim " + dim
                    + ", layers " + layers + ", heads " + heads + ", kv heads " + kvHeads + ", ffn " + ffn + ")");
        }
        if (heads % kvHeads != 0) {
            throw new GgufException(Kind.MALFORMED_METADATA, file, heads + " heads are not a multiple of " + kvHeads + " KV heads");
        }
        int headDim = m.getInt(p + "attention.key_length", dim / heads);
        if (headDim * heads != dim && !m.has(p + "attention.key_length")) {
            throw new GgufException(Kind.MALFORMED_METADATA, file, "dim " + dim + " is not divisible by " + heads + " heads");
        }
        int ropeDims = m.getInt(p + "rope.dimension_count", headDim);
        if (ropeDims <= 0 || ropeDims > headDim || ropeDims % 2 != 0) {
            throw new GgufException(Kind.MALFORMED_METADATA, file, "rope.dimension_count " + ropeDims + " for head size " + headDim);
        }
        if (block == BlockLayout.FALCON && ropeDims != headDim) {
            throw new GgufException(Kind.MALFORMED_METADATA, file, "rope.dimension_count " + ropeDims
                    + " differs from the head size " + headDim + " (Falcon rotates whole heads)");
        }
        int vocab = m.getInt(p + "vocab_size", tokenizerVocabSize);
        int context = m.getInt(p + "context_length", 4096);
        float eps;
        if (block.norm() == BlockLayout.Norm.RMS) {
            eps = m.getFloat(p + "attention.layer_norm_rms_epsilon", 1e-5f);
        } else if (m.has(p + "attention.layer_norm_epsilon")) {
            eps = m.getFloat(p + "attention.layer_norm_epsilon", 0f);
        } else {
            throw new GgufException(Kind.MISSING_METADATA, file, "key '" + p + "attention.layer_norm_epsilon' is missing");
        }
        float theta = m.getFloat(p + "rope.freq_base", 10000f);
        // Sliding-window attention is Mistral's; llama.cpp's Falcon graph has none.
        int window = block == BlockLayout.LLAMA ? m.getInt(p + "attention.sliding_window", 0) : 0;
        return new ModelConfig(arch, dim, layers, heads, kvHeads, headDim, ffn, vocab, context, eps, theta, ropeDims,
                Math.max(0, window), block);
    }
}
