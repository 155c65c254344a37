package org.replique.server.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.replique.server.hf.HfFolderException.Kind;
import org.replique.engine.model.Model;
import org.replique.engine.file.ModelFileException;

/** Each way a Hugging Face folder can be unusable is a typed error that names the file and says why. */
class HfFolderErrorsTest {
    @TempDir
    Path dir;

    private Path broken(boolean sharded) throws IOException {
        return HfFixtures.copy(HfFixtures.stories(sharded ? "BF16" : "F32", sharded ? 2 : 1, true, false), dir.resolve("model"));
    }

    private static HfFolderException failure(Path folder) {
        try (Model m = Model.load(folder)) {
            throw new AssertionError("loaded " + m.name());
        } catch (HfFolderException e) {
            assertThat(e).isInstanceOf(ModelFileException.class);
            return e;
        }
    }

    private static void editConfig(Path folder, String from, String to) throws IOException {
        Path config = folder.resolve("config.json");
        String text = Files.readString(config);
        assertThat(text).contains(from);
        Files.writeString(config, text.replace(from, to));
    }

    @Test
    void aFolderWithoutConfigJson() throws IOException {
        Path folder = broken(false);
        Files.delete(folder.resolve("config.json"));
        HfFolderException e = failure(folder);
        assertThat(e.kind()).isEqualTo(Kind.MISSING_CONFIG);
        assertThat(e.getMessage()).contains("no config.json");
    }

    @Test
    void anEmptyDirectoryIsNeitherKindOfModel() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        HfFolderException e = failure(empty);
        assertThat(e.kind()).isEqualTo(Kind.MISSING_CONFIG);
        assertThat(e.getMessage()).contains("a model is a GGUF file or a folder with config.json");
    }

    @Test
    void configJsonThatIsNotJson() throws IOException {
        Path folder = broken(false);
        Files.writeString(folder.resolve("config.json"), "{\"hidden_size\": ");
        assertThat(failure(folder).kind()).isEqualTo(Kind.MALFORMED_CONFIG);
    }

    @Test
    void anArchitectureThisEngineDoesNotRun() throws IOException {
        Path folder = broken(false);
        editConfig(folder, "MistralForCausalLM", "GPT2LMHeadModel");
        HfFolderException e = failure(folder);
        assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED_ARCHITECTURE);
        assertThat(e.getMessage()).contains("GPT2LMHeadModel").contains("LlamaForCausalLM and MistralForCausalLM");
    }

    @Test
    void ropeScalingIsRefused() throws IOException {
        Path folder = broken(false);
        editConfig(folder, "\"sliding_window\": null", "\"sliding_window\": null, \"rope_scaling\": {\"type\": \"linear\", \"factor\": 2.0}");
        assertThat(failure(folder).kind()).isEqualTo(Kind.UNSUPPORTED_ARCHITECTURE);
    }

    @Test
    void aHyperparameterOfTheWrongKind() throws IOException {
        Path folder = broken(false);
        editConfig(folder, "\"num_hidden_layers\": 5", "\"num_hidden_layers\": \"five\"");
        HfFolderException e = failure(folder);
        assertThat(e.kind()).isEqualTo(Kind.MALFORMED_CONFIG);
        assertThat(e.getMessage()).contains("num_hidden_layers");
    }

    @Test
    void aShardTheIndexNamesIsMissing() throws IOException {
        Path folder = broken(true);
        Files.delete(folder.resolve("model-00002-of-00002.safetensors"));
        HfFolderException e = failure(folder);
        assertThat(e.kind()).isEqualTo(Kind.MISSING_SHARD);
        assertThat(e.file().getFileName().toString()).isEqualTo("model-00002-of-00002.safetensors");
    }

    @Test
    void noSafetensorsAtAll() throws IOException {
        Path folder = broken(false);
        Files.delete(folder.resolve("model.safetensors"));
        Files.writeString(folder.resolve("pytorch_model.bin"), "not read");
        HfFolderException e = failure(folder);
        assertThat(e.kind()).isEqualTo(Kind.MISSING_SHARD);
        assertThat(e.getMessage()).contains("PyTorch .bin");
    }

    @Test
    void aHeaderLengthLargerThanTheFile() throws IOException {
        Path folder = broken(false);
        Path file = folder.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, bytes.length);
        Files.write(file, bytes);
        HfFolderException e = failure(folder);
        assertThat(e.kind()).isEqualTo(Kind.CORRUPT_HEADER);
        assertThat(e.getMessage()).contains("header length");
    }

    @Test
    void aHeaderThatIsNotJson() throws IOException {
        Path folder = broken(false);
        Path file = folder.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(file);
        bytes[8] = '[';
        bytes[9] = '[';
        Files.write(file, bytes);
        assertThat(failure(folder).kind()).isEqualTo(Kind.CORRUPT_HEADER);
    }

    @Test
    void aTruncatedFile() throws IOException {
        Path folder = broken(false);
        Path file = folder.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 1000));
        HfFolderException e = failure(folder);
        assertThat(e.kind()).isEqualTo(Kind.CORRUPT_HEADER);
        assertThat(e.getMessage()).contains("truncated");
    }

    @Test
    void aDtypeThisEngineDoesNotRead() throws IOException {
        Path folder = broken(false);
        Path file = folder.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("\"model.layers.0.mlp.up_proj.weight\"");
        int dtype = text.indexOf("\"F32\"", at);
        // Same width, another type: the header stays consistent.
        System.arraycopy("\"I32\"".getBytes(StandardCharsets.US_ASCII), 0, bytes, dtype, 5);
        Files.write(file, bytes);
        HfFolderException e = failure(folder);
        assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED_DTYPE);
        assertThat(e.getMessage()).contains("model.layers.0.mlp.up_proj.weight").contains("I32");
    }

    @Test
    void aShapeThatDisagreesWithTheConfig() throws IOException {
        Path folder = broken(false);
        editConfig(folder, "\"intermediate_size\": 172", "\"intermediate_size\": 192");
        HfFolderException e = failure(folder);
        assertThat(e.kind()).isEqualTo(Kind.SHAPE_MISMATCH);
        assertThat(e.getMessage()).contains("model.layers.0.mlp.gate_proj.weight");
    }

    @Test
    void anUntiedOutputThatIsMissing() throws IOException {
        Path folder = broken(true);
        Path index = folder.resolve("model.safetensors.index.json");
        Files.writeString(index, Files.readString(index).replaceAll("\\s*\"lm_head.weight\": \"[^\"]+\",?", ""));
        // The shard still holds it, but the index no longer names it: lm_head.weight is not loaded.
        HfFolderException e = failure(folder);
        assertThat(e.kind()).isEqualTo(Kind.MISSING_TENSOR);
        assertThat(e.getMessage()).contains("lm_head.weight");
    }

    @Test
    void aLayerTheConfigAnnouncesIsMissing() throws IOException {
        Path folder = broken(false);
        editConfig(folder, "\"num_hidden_layers\": 5", "\"num_hidden_layers\": 6");
        HfFolderException e = failure(folder);
        assertThat(e.kind()).isEqualTo(Kind.MISSING_TENSOR);
        assertThat(e.getMessage()).contains("model.layers.5.input_layernorm.weight");
    }

    @Test
    void noTokenizer() throws IOException {
        Path folder = broken(false);
        Files.delete(folder.resolve("tokenizer.model"));
        HfFolderException e = failure(folder);
        assertThat(e.kind()).isEqualTo(Kind.MISSING_TOKENIZER);
        assertThat(e.getMessage()).contains("tokenizer.model").contains("tokenizer.json");
    }

    @Test
    void aTokenizerModelThatIsNotSentencePiece() throws IOException {
        Path folder = broken(false);
        Files.write(folder.resolve("tokenizer.model"), new byte[] {0x0a, (byte) 0xff, 0x01});
        assertThat(failure(folder).kind()).isEqualTo(Kind.BAD_TOKENIZER);
    }

    @Test
    void aVocabularyLargerThanTheConfigSays() throws IOException {
        Path folder = broken(false);
        editConfig(folder, "\"vocab_size\": 512", "\"vocab_size\": 500");
        HfFolderException e = failure(folder);
        assertThat(e.kind()).isEqualTo(Kind.BAD_TOKENIZER);
        assertThat(e.getMessage()).contains("512 pieces");
    }

    @Test
    void aFileThatIsNeitherGgufNorAFolderStillSaysGguf() throws IOException {
        Path file = dir.resolve("notes.txt");
        Files.writeString(file, "hello");
        assertThatThrownBy(() -> Model.load(file)).isInstanceOf(org.replique.engine.gguf.GgufException.class)
                .isInstanceOf(ModelFileException.class);
    }
}
