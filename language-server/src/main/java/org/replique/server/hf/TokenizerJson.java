package org.replique.server.hf;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.HashMap;
import java.util.Map;
import org.replique.engine.tokenizer.Vocabulary.TokenType;

/**
 * A Hugging Face {@code tokenizer.json} holding the BPE with byte fallback that Llama and Mistral
 * checkpoints ship beside (or instead of) {@code tokenizer.model}: {@code model.vocab}
 * (piece → id), {@code model.merges} (ranked, as {@code "a b"} or {@code ["a", "b"]}),
 * {@code added_tokens}, and the {@code ▁} prefix given by a {@code Prepend} normalizer or a
 * {@code Metaspace} pre-tokenizer.
 *
 * <p>The engine's tokenizer merges the pair whose result has the highest score, as SentencePiece
 * does; a merge list ranks pairs instead. The two agree when each piece scores minus the rank of
 * the first merge that makes it — which is how such a list is derived from a SentencePiece model
 * (merges ordered by the score of the piece they make). Pieces no merge makes (single
 * characters, bytes, specials) are only ever looked up whole and get scores below every merge.
 */
record TokenizerJson(String[] pieces, float[] scores, TokenType[] types, int unknownId, boolean addSpacePrefix,
                     Map<String, Integer> ids) {

    /** Reads the parsed JSON; throws IllegalArgumentException when it is not a BPE tokenizer this engine runs. */
    static TokenizerJson read(JsonObject root) {
        JsonObject model = root.getAsJsonObject("model");
        if (model == null) throw new IllegalArgumentException("no 'model' object");
        String type = model.has("type") ? model.get("type").getAsString() : "";
        if (!type.equals("BPE")) {
            throw new IllegalArgumentException("model type '" + type + "' is not supported (this engine runs BPE)");
        }
        JsonObject vocab = model.getAsJsonObject("vocab");
        if (vocab == null) throw new IllegalArgumentException("no 'model.vocab'");
        Map<String, Integer> ids = new HashMap<>();
        int size = 0;
        for (Map.Entry<String, JsonElement> e : vocab.entrySet()) {
            int id = e.getValue().getAsInt();
            if (id < 0) throw new IllegalArgumentException("piece '" + e.getKey() + "' has id " + id);
            ids.put(e.getKey(), id);
            size = Math.max(size, id + 1);
        }
        JsonArray added = root.has("added_tokens") && root.get("added_tokens").isJsonArray()
                ? root.getAsJsonArray("added_tokens") : new JsonArray();
        for (JsonElement a : added) {
            size = Math.max(size, a.getAsJsonObject().get("id").getAsInt() + 1);
        }
        String[] pieces = new String[size];
        for (Map.Entry<String, Integer> e : ids.entrySet()) pieces[e.getValue()] = e.getKey();
        TokenType[] types = new TokenType[size];
        for (int id = 0; id < size; id++) {
            if (pieces[id] == null) {
                pieces[id] = "[PAD" + id + "]";
                types[id] = TokenType.UNUSED;
            } else {
                types[id] = pieces[id].matches("<0x[0-9A-F]{2}>") ? TokenType.BYTE : TokenType.NORMAL;
            }
        }
        for (JsonElement a : added) {
            JsonObject t = a.getAsJsonObject();
            int id = t.get("id").getAsInt();
            pieces[id] = t.get("content").getAsString();
            boolean special = t.has("special") && t.get("special").getAsBoolean();
            types[id] = special ? TokenType.CONTROL : TokenType.USER_DEFINED;
        }
        int unknown = -1;
        if (model.has("unk_token") && !model.get("unk_token").isJsonNull()) {
            Integer id = ids.get(model.get("unk_token").getAsString());
            if (id != null) {
                unknown = id;
                types[id] = TokenType.UNKNOWN;
            }
        }
        float[] scores = scores(model, pieces, ids);
        return new TokenizerJson(pieces, scores, types, unknown, addsSpacePrefix(root), ids);
    }

    /** Minus the rank of the first merge that makes each piece; pieces no merge makes score below all merges. */
    private static float[] scores(JsonObject model, String[] pieces, Map<String, Integer> ids) {
        JsonArray merges = model.has("merges") ? model.getAsJsonArray("merges") : new JsonArray();
        float[] scores = new float[pieces.length];
        java.util.Arrays.fill(scores, Float.NaN);
        for (int rank = 0; rank < merges.size(); rank++) {
            JsonElement m = merges.get(rank);
            String joined;
            if (m.isJsonArray()) {
                joined = m.getAsJsonArray().get(0).getAsString() + m.getAsJsonArray().get(1).getAsString();
            } else {
                String text = m.getAsString();
                int space = text.indexOf(' ', 1);
                if (space < 0) throw new IllegalArgumentException("merge '" + text + "' is not two pieces");
                joined = text.substring(0, space) + text.substring(space + 1);
            }
            Integer id = ids.get(joined);
            if (id == null) throw new IllegalArgumentException("merge " + m + " makes a piece that is not in the vocabulary");
            if (Float.isNaN(scores[id])) scores[id] = -rank;
        }
        for (int id = 0; id < scores.length; id++) {
            if (Float.isNaN(scores[id])) scores[id] = -(merges.size() + id);
        }
        return scores;
    }

    /** A {@code ▁} before the text: a {@code Prepend "▁"} normalizer, or a {@code Metaspace} that prepends. */
    private static boolean addsSpacePrefix(JsonObject root) {
        return mentions(root.get("normalizer")) || mentions(root.get("pre_tokenizer"));
    }

    private static boolean mentions(JsonElement e) {
        if (e == null || !e.isJsonObject()) return false;
        JsonObject o = e.getAsJsonObject();
        String type = o.has("type") ? o.get("type").getAsString() : "";
        switch (type) {
            case "Prepend" -> {
                return "\u2581".equals(o.get("prepend").getAsString());
            }
            case "Metaspace" -> {
                if (o.has("prepend_scheme")) return !o.get("prepend_scheme").getAsString().equals("never");
                return !o.has("add_prefix_space") || o.get("add_prefix_space").getAsBoolean();
            }
            case "Sequence" -> {
                String key = o.has("normalizers") ? "normalizers" : "pretokenizers";
                if (!o.has(key)) return false;
                for (JsonElement x : o.getAsJsonArray(key)) {
                    if (mentions(x)) return true;
                }
                return false;
            }
            default -> {
                return false;
            }
        }
    }
}
