package org.replique.engine.convert;

import org.replique.engine.gguf.GgufValueType;
import org.replique.engine.gguf.GgufWriter;
import org.replique.engine.model.ModelConfig;
import org.replique.engine.model.ModelFile;
import org.replique.engine.tokenizer.Vocabulary;

/**
 * The GGUF metadata of a Llama/Mistral model that did not come as a GGUF file (a Hugging Face folder): what
 * llama.cpp's converter writes for a Llama/Mistral checkpoint — {@code general.*},
 * {@code llama.*} hyperparameters and the SentencePiece vocabulary as {@code tokenizer.ggml.*} —
 * from the configuration and vocabulary the engine read, so that the GGUF reads back to the same
 * {@link ModelConfig} and {@link Vocabulary}. The sliding window, which llama.cpp's converter
 * drops for Mistral, is kept ({@code llama.attention.sliding_window}; llama.cpp ignores it).
 */
final class GgufMetadataOf {
    private GgufMetadataOf() {}

    static void write(ModelFile model, GgufWriter w) {
        ModelConfig c = model.config();
        if (!c.architecture().equals("llama")) {
            throw new IllegalArgumentException(model.name() + ": writing the GGUF metadata of a '" + c.architecture()
                    + "' model that is not a GGUF file is not supported");
        }
        String p = "llama.";
        w.putString("general.architecture", c.architecture());
        w.putString("general.name", model.name());
        w.putU32(p + "context_length", c.contextLength());
        w.putU32(p + "embedding_length", c.dim());
        w.putU32(p + "block_count", c.layers());
        w.putU32(p + "feed_forward_length", c.ffnDim());
        w.putU32(p + "rope.dimension_count", c.ropeDims());
        w.putU32(p + "attention.head_count", c.heads());
        w.putU32(p + "attention.head_count_kv", c.kvHeads());
        if (c.headDim() * c.heads() != c.dim()) {
            w.putU32(p + "attention.key_length", c.headDim());
            w.putU32(p + "attention.value_length", c.headDim());
        }
        w.putF32(p + "attention.layer_norm_rms_epsilon", c.normEps());
        w.putF32(p + "rope.freq_base", c.ropeTheta());
        if (c.slidingWindow() > 0) w.putU32(p + "attention.sliding_window", c.slidingWindow());
        w.putU32(p + "vocab_size", c.vocabSize());

        Vocabulary v = model.vocabulary();
        String[] pieces = new String[v.size()];
        float[] scores = new float[v.size()];
        int[] types = new int[v.size()];
        for (int i = 0; i < v.size(); i++) {
            pieces[i] = v.piece(i);
            scores[i] = v.score(i);
            types[i] = v.type(i).ordinal();
        }
        w.putString("tokenizer.ggml.model", "llama");
        w.putString("tokenizer.ggml.pre", "default");
        w.putArray("tokenizer.ggml.tokens", GgufValueType.STRING, pieces);
        w.putArray("tokenizer.ggml.scores", GgufValueType.FLOAT32, scores);
        w.putArray("tokenizer.ggml.token_type", GgufValueType.INT32, types);
        if (v.bos() >= 0) w.putU32("tokenizer.ggml.bos_token_id", v.bos());
        if (v.eos() >= 0) w.putU32("tokenizer.ggml.eos_token_id", v.eos());
        if (v.unknown() >= 0) w.putU32("tokenizer.ggml.unknown_token_id", v.unknown());
        w.putBool("tokenizer.ggml.add_bos_token", v.addBos());
        w.putBool("tokenizer.ggml.add_eos_token", false);
        w.putBool("tokenizer.ggml.add_space_prefix", v.addSpacePrefix());
    }
}
