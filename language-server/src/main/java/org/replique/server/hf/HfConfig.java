package org.replique.server.hf;

import static org.replique.server.hf.HfFolderException.Kind;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;
import org.replique.engine.model.BlockLayout;
import org.replique.engine.model.ModelConfig;

/**
 * A Hugging Face {@code config.json} for {@code LlamaForCausalLM} / {@code MistralForCausalLM}:
 * the hyperparameters as {@link ModelConfig}, with the defaults the transformers library applies
 * when a key is absent ({@code num_key_value_heads} = heads, {@code head_dim} = hidden ÷ heads,
 * {@code rope_theta} 10000, {@code rms_norm_eps} 1e-6, no sliding window).
 *
 * @param tiedEmbeddings {@code tie_word_embeddings}: the output projection is the embedding
 * @param bos            {@code bos_token_id}, or −1 when absent
 * @param eos            {@code eos_token_id} (the first when a list), or −1 when absent
 */
record HfConfig(ModelConfig model, boolean tiedEmbeddings, int bos, int eos) {

    static final Set<String> ARCHITECTURES = Set.of("LlamaForCausalLM", "MistralForCausalLM");

    static HfConfig read(Path folder) {
        Path file = folder.resolve("config.json");
        JsonObject o;
        try {
            JsonElement parsed = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
            if (!parsed.isJsonObject()) throw new JsonParseException("not a JSON object");
            o = parsed.getAsJsonObject();
        } catch (NoSuchFileException e) {
            throw new HfFolderException(Kind.MISSING_CONFIG, folder,
                    "no config.json: not a Hugging Face model folder (a model is a GGUF file or a folder with config.json)");
        } catch (IOException e) {
            throw new HfFolderException(Kind.IO_ERROR, file, "cannot read: " + e.getMessage(), e);
        } catch (JsonParseException e) {
            throw new HfFolderException(Kind.MALFORMED_CONFIG, file, "not valid JSON: " + e.getMessage(), e);
        }
        return new Reader(file, o).read();
    }

    private record Reader(Path file, JsonObject o) {
        HfConfig read() {
            String architecture = architecture();
            String act = string("hidden_act", "silu");
            if (!act.equals("silu")) {
                unsupported("hidden_act '" + act + "' (this engine runs SiLU feed-forwards)");
            }
            if (present("rope_scaling")) {
                unsupported("rope_scaling " + o.get("rope_scaling") + " (this engine runs plain RoPE)");
            }
            if (bool("attention_bias", false) || bool("mlp_bias", false)) {
                unsupported("biases in the attention or feed-forward layers");
            }
            int dim = positive("hidden_size");
            int layers = positive("num_hidden_layers");
            int heads = positive("num_attention_heads");
            int kvHeads = present("num_key_value_heads") ? positive("num_key_value_heads") : heads;
            if (heads % kvHeads != 0) {
                malformed(heads + " attention heads are not a multiple of " + kvHeads + " key/value heads");
            }
            int headDim;
            if (present("head_dim")) {
                headDim = positive("head_dim");
            } else {
                if (dim % heads != 0) malformed("hidden_size " + dim + " is not divisible by " + heads + " heads");
                headDim = dim / heads;
            }
            if (headDim % 2 != 0) malformed("head size " + headDim + " is odd; RoPE rotates pairs");
            int ffn = positive("intermediate_size");
            int vocab = positive("vocab_size");
            int context = present("max_position_embeddings") ? positive("max_position_embeddings") : 4096;
            float eps = (float) number("rms_norm_eps", 1e-6);
            float theta = (float) number("rope_theta", 10000);
            if (!(eps > 0) || !(theta > 0)) malformed("rms_norm_eps and rope_theta must be positive");
            int window = present("sliding_window") ? positive("sliding_window") : 0;
            boolean tied = bool("tie_word_embeddings", false);
            int bos = present("bos_token_id") ? tokenId("bos_token_id") : -1;
            int eos = present("eos_token_id") ? tokenId("eos_token_id") : -1;
            ModelConfig model = new ModelConfig("llama", dim, layers, heads, kvHeads, headDim, ffn, vocab, context,
                    eps, theta, headDim, window, BlockLayout.LLAMA);
            return new HfConfig(model, tied, bos, eos);
        }

        private String architecture() {
            if (!present("architectures") || !o.get("architectures").isJsonArray()) {
                throw new HfFolderException(Kind.UNSUPPORTED_ARCHITECTURE, file,
                        "no 'architectures' list; this engine runs " + String.join(" and ", ARCHITECTURES.stream().sorted().toList()));
            }
            for (JsonElement a : o.getAsJsonArray("architectures")) {
                if (a.isJsonPrimitive() && ARCHITECTURES.contains(a.getAsString())) return a.getAsString();
            }
            throw new HfFolderException(Kind.UNSUPPORTED_ARCHITECTURE, file, "architecture " + o.get("architectures")
                    + " is not supported; this engine runs " + String.join(" and ", ARCHITECTURES.stream().sorted().toList()));
        }

        private boolean present(String key) {
            return o.has(key) && !o.get(key).isJsonNull();
        }

        private int positive(String key) {
            if (!present(key)) malformed("'" + key + "' is missing");
            long v;
            try {
                double d = o.get(key).getAsDouble();
                v = (long) d;
                if (v != d) throw new NumberFormatException();
            } catch (RuntimeException e) {
                throw new HfFolderException(Kind.MALFORMED_CONFIG, file, "'" + key + "' is " + o.get(key) + ", not an integer");
            }
            if (v <= 0 || v > Integer.MAX_VALUE) malformed("'" + key + "' is " + v + ", not a positive size");
            return (int) v;
        }

        private int tokenId(String key) {
            JsonElement e = o.get(key);
            if (e.isJsonArray()) {
                if (e.getAsJsonArray().isEmpty()) return -1;
                e = e.getAsJsonArray().get(0);
            }
            try {
                return e.getAsInt();
            } catch (RuntimeException x) {
                throw new HfFolderException(Kind.MALFORMED_CONFIG, file, "'" + key + "' is " + e + ", not a token id");
            }
        }

        private double number(String key, double fallback) {
            if (!present(key)) return fallback;
            try {
                return o.get(key).getAsDouble();
            } catch (RuntimeException e) {
                throw new HfFolderException(Kind.MALFORMED_CONFIG, file, "'" + key + "' is " + o.get(key) + ", not a number");
            }
        }

        private boolean bool(String key, boolean fallback) {
            if (!present(key)) return fallback;
            JsonElement e = o.get(key);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
                malformed("'" + key + "' is " + e + ", not true or false");
            }
            return e.getAsBoolean();
        }

        private String string(String key, String fallback) {
            return present(key) ? o.get(key).getAsString() : fallback;
        }

        private void malformed(String detail) {
            throw new HfFolderException(Kind.MALFORMED_CONFIG, file, detail);
        }

        private void unsupported(String detail) {
            throw new HfFolderException(Kind.UNSUPPORTED_ARCHITECTURE, file, detail + " is not supported");
        }
    }
}
