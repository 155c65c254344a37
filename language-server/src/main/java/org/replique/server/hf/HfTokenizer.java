package org.replique.server.hf;

import static org.replique.server.hf.HfFolderException.Kind;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.replique.engine.tokenizer.Vocabulary;
import org.replique.engine.tokenizer.Vocabulary.TokenType;

/**
 * The vocabulary of a Hugging Face folder, as llama.cpp's converter would write it into a GGUF:
 * from {@code tokenizer.model} (SentencePiece) when there is one, else from {@code tokenizer.json}.
 * BOS/EOS come from {@code config.json} when it names them, else from the tokenizer;
 * {@code add_bos_token} from {@code tokenizer_config.json} (default true); a vocabulary shorter
 * than {@code config.json}'s {@code vocab_size} is padded with unused {@code [PADn]} pieces.
 */
final class HfTokenizer {
    static final String SENTENCEPIECE = "tokenizer.model";
    static final String JSON = "tokenizer.json";
    static final String CONFIG = "tokenizer_config.json";

    private HfTokenizer() {}

    /** {@code config} may be null (a folder read for its tokenizer only, without config.json). */
    static Vocabulary read(Path folder, HfConfig config) {
        Path model = folder.resolve(SENTENCEPIECE);
        Path json = folder.resolve(JSON);
        boolean addBos = addBos(folder);
        int configBos = config == null ? -1 : config.bos();
        int configEos = config == null ? -1 : config.eos();
        String[] pieces;
        float[] scores;
        TokenType[] types;
        int bos;
        int eos;
        int unknown;
        boolean addSpacePrefix;
        Path source;
        if (Files.isRegularFile(model)) {
            source = model;
            SentencePieceModel sp;
            try {
                sp = SentencePieceModel.parse(Files.readAllBytes(model));
            } catch (IOException e) {
                throw new HfFolderException(Kind.BAD_TOKENIZER, model, "not a SentencePiece model: " + e.getMessage(), e);
            }
            if (sp.modelType() != SentencePieceModel.BPE) {
                throw new HfFolderException(Kind.BAD_TOKENIZER, model, "SentencePiece model type "
                        + (sp.modelType() == SentencePieceModel.UNIGRAM ? "unigram" : String.valueOf(sp.modelType()))
                        + " is not supported (Llama and Mistral use BPE)");
            }
            pieces = sp.pieces();
            scores = sp.scores();
            types = sp.types();
            bos = configBos >= 0 ? configBos : sp.bosId();
            eos = configEos >= 0 ? configEos : sp.eosId();
            unknown = sp.unknownId();
            addSpacePrefix = sp.addDummyPrefix();
        } else if (Files.isRegularFile(json)) {
            source = json;
            TokenizerJson t;
            try {
                JsonElement root = JsonParser.parseString(Files.readString(json, StandardCharsets.UTF_8));
                t = TokenizerJson.read(root.getAsJsonObject());
            } catch (IOException e) {
                throw new HfFolderException(Kind.IO_ERROR, json, "cannot read: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new HfFolderException(Kind.BAD_TOKENIZER, json, "not a tokenizer this engine runs: " + e.getMessage(), e);
            }
            pieces = t.pieces();
            scores = t.scores();
            types = t.types();
            bos = configBos >= 0 ? configBos : t.ids().getOrDefault("<s>", -1);
            eos = configEos >= 0 ? configEos : t.ids().getOrDefault("</s>", -1);
            unknown = t.unknownId();
            addSpacePrefix = t.addSpacePrefix();
        } else {
            throw new HfFolderException(Kind.MISSING_TOKENIZER, folder, "no " + SENTENCEPIECE + " and no " + JSON);
        }
        if (config != null) {
            int size = config.model().vocabSize();
            if (pieces.length > size) {
                throw new HfFolderException(Kind.BAD_TOKENIZER, source, "the tokenizer has " + pieces.length
                        + " pieces, more than config.json's vocab_size " + size);
            }
            if (pieces.length < size) {
                int from = pieces.length;
                pieces = Arrays.copyOf(pieces, size);
                scores = Arrays.copyOf(scores, size);
                types = Arrays.copyOf(types, size);
                for (int id = from; id < size; id++) {
                    pieces[id] = "[PAD" + id + "]";
                    scores[id] = -1000f;
                    types[id] = TokenType.UNUSED;
                }
            }
        }
        // A tokenizer without an unknown token: llama.cpp takes id 0 for a SentencePiece vocabulary
        // whose file names none (as a GGUF converted from this folder would have it), so a character
        // with neither a piece nor a byte piece still gets an id of the vocabulary.
        if (unknown < 0) unknown = 0;
        return Vocabulary.of(pieces, scores, types, bos, eos, unknown, addBos, addSpacePrefix);
    }

    /** {@code add_bos_token} of {@code tokenizer_config.json}; true when absent, as for Llama and Mistral. */
    private static boolean addBos(Path folder) {
        Path file = folder.resolve(CONFIG);
        if (!Files.isRegularFile(file)) return true;
        try {
            JsonObject o = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
            JsonElement e = o.get("add_bos_token");
            return e == null || e.isJsonNull() || e.getAsBoolean();
        } catch (IOException | JsonParseException | IllegalStateException | UnsupportedOperationException e) {
            throw new HfFolderException(Kind.BAD_TOKENIZER, file, "not valid JSON: " + e.getMessage(), e);
        }
    }
}
