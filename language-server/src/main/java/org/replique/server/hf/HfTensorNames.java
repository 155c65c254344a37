package org.replique.server.hf;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hugging Face Llama/Mistral tensor names and the engine's (llama.cpp's GGUF names):
 * {@code model.layers.N.self_attn.q_proj.weight} is {@code blk.N.attn_q.weight}, and so on.
 * Names outside the model (e.g. rotary {@code inv_freq} buffers of old checkpoints) have none.
 */
final class HfTensorNames {
    private static final Map<String, String> GLOBAL = Map.of(
            "model.embed_tokens.weight", "token_embd.weight",
            "model.norm.weight", "output_norm.weight",
            "lm_head.weight", "output.weight");
    private static final Map<String, String> LAYER = Map.of(
            "input_layernorm.weight", "attn_norm.weight",
            "self_attn.q_proj.weight", "attn_q.weight",
            "self_attn.k_proj.weight", "attn_k.weight",
            "self_attn.v_proj.weight", "attn_v.weight",
            "self_attn.o_proj.weight", "attn_output.weight",
            "post_attention_layernorm.weight", "ffn_norm.weight",
            "mlp.gate_proj.weight", "ffn_gate.weight",
            "mlp.up_proj.weight", "ffn_up.weight",
            "mlp.down_proj.weight", "ffn_down.weight");
    private static final Pattern HF_LAYER = Pattern.compile("model\\.layers\\.(\\d+)\\.(.+)");
    private static final Pattern ENGINE_LAYER = Pattern.compile("blk\\.(\\d+)\\.(.+)");

    private HfTensorNames() {}

    /** The engine's name of a Hugging Face tensor, or null when the engine does not use it. */
    static String engineName(String hfName) {
        String global = GLOBAL.get(hfName);
        if (global != null) return global;
        Matcher m = HF_LAYER.matcher(hfName);
        if (!m.matches()) return null;
        String suffix = LAYER.get(m.group(2));
        return suffix == null ? null : "blk." + Integer.parseInt(m.group(1)) + "." + suffix;
    }

    /** The Hugging Face name of an engine tensor (for messages), or the name itself when it has none. */
    static String hfName(String engineName) {
        for (var e : GLOBAL.entrySet()) {
            if (e.getValue().equals(engineName)) return e.getKey();
        }
        Matcher m = ENGINE_LAYER.matcher(engineName);
        if (m.matches()) {
            for (var e : LAYER.entrySet()) {
                if (e.getValue().equals(m.group(2))) return "model.layers." + m.group(1) + "." + e.getKey();
            }
        }
        return engineName;
    }

    /** Whether the tensor is a Q or K projection, stored in rotate-half order. */
    static boolean isRotateHalf(String engineName) {
        return engineName.endsWith(".attn_q.weight") || engineName.endsWith(".attn_k.weight");
    }
}
