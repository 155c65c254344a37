package org.replique.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.replique.engine.gguf.GgufException.Kind;
import org.replique.engine.model.Model;
import org.replique.fixtures.Fixtures;
import org.replique.fixtures.gguf.GgufWriter;
import org.replique.fixtures.gguf.GgufWriter.TensorType;

/** A bad file gets a typed error that names the file and the problem — never an index error or a crash. */
class GgufErrorsTest {
    @TempDir
    Path dir;

    private Path file(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private static byte[] stories() throws IOException {
        return Files.readAllBytes(Fixtures.file("models/stories260K-f32.gguf"));
    }

    private void assertKind(Path p, Kind kind, String fragment) {
        assertThatThrownBy(() -> Model.load(p).close())
                .isInstanceOf(GgufException.class)
                .hasMessageStartingWith(p.getFileName().toString() + ": ")
                .hasMessageContaining(fragment)
                .satisfies(e -> assertThat(((GgufException) e).kind()).isEqualTo(kind));
    }

    @Test
    void missingFile() {
        assertKind(dir.resolve("absent.gguf"), Kind.NOT_FOUND, "no such file");
    }

    @Test
    void directory() {
        assertKind(dir, Kind.IO_ERROR, "directory");
    }

    @Test
    void emptyFile() throws IOException {
        assertKind(file("empty.gguf", new byte[0]), Kind.TRUNCATED, "too short");
    }

    @Test
    void badMagic() throws IOException {
        assertKind(file("model.bin", "PK\u0003\u0004 this is a zip".getBytes()), Kind.BAD_MAGIC, "not a GGUF file");
    }

    @Test
    void unsupportedVersion() throws IOException {
        byte[] b = stories();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 7);
        assertKind(file("v7.gguf", b), Kind.UNSUPPORTED_VERSION, "version 7");
    }

    @Test
    void truncatedInTheMetadata() throws IOException {
        assertKind(file("cut.gguf", Arrays.copyOf(stories(), 9000)), Kind.TRUNCATED, "metadata 'tokenizer.ggml.scores' announces 512 array elements");
        assertKind(file("cut2.gguf", Arrays.copyOf(stories(), 5000)), Kind.TRUNCATED, "file ends inside metadata 'tokenizer.ggml.tokens'");
        assertKind(file("tiny.gguf", Arrays.copyOf(stories(), 200)), Kind.TRUNCATED, "more than the 200-byte file can hold");
    }

    @Test
    void truncatedInTheTensorData() throws IOException {
        byte[] b = stories();
        assertKind(file("cut.gguf", Arrays.copyOf(b, b.length - 1000)), Kind.TENSOR_OUT_OF_BOUNDS, "lies outside the file");
    }

    @Test
    void everyTruncationIsATypedError() throws IOException {
        byte[] b = new GgufWriter().putString("general.architecture", "llama")
                .putArray("tokenizer.ggml.tokens", GgufWriter.ValueType.STRING, java.util.List.of("a", "b"))
                .tensor("t", TensorType.Q8_0, new long[] {32, 2}, new float[64]).toBytes();
        int dataEnd = b.length - 28; // the 68 bytes of tensor data are followed by padding to 32
        for (int cut = 0; cut < dataEnd; cut++) {
            Path p = file("cut" + cut + ".gguf", Arrays.copyOf(b, cut));
            assertThatThrownBy(() -> GgufFile.open(p).close())
                    .as("cut at %d", cut).isInstanceOf(GgufException.class);
        }
        for (int cut = dataEnd; cut <= b.length; cut++) {
            Path p = file("pad" + cut + ".gguf", Arrays.copyOf(b, cut));
            assertThatCode(() -> GgufFile.open(p).close()).as("cut at %d", cut).doesNotThrowAnyException();
        }
    }

    @Test
    void corruptedBytesNeverEscapeAsAnythingButTypedErrors() throws IOException {
        byte[] original = stories();
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        for (int trial = 0; trial < 300; trial++) {
            byte[] b = original.clone();
            // Flip bytes in the header and metadata, where lengths and counts live.
            for (int k = 0; k < 4; k++) b[random.nextInt(0, 12_000)] = (byte) random.nextInt(256);
            Path p = file("corrupt.gguf", b);
            try {
                Model.load(p).close();
            } catch (GgufException | IllegalArgumentException expected) {
                // Typed rejection. (A flipped byte inside a string may also leave a valid file.)
            }
        }
    }

    @Test
    void tensorOutsideTheFile() throws IOException {
        byte[] b = new GgufWriter().rawTensor("t", new long[] {4}, 0, new byte[16]).toBytes();
        // Point the tensor's offset (the last 8 bytes of its info, just before the padding) far away.
        Path p = file("far.gguf", b);
        byte[] patched = b.clone();
        int infoEnd = indexOf(b, "t".getBytes()) + 1 + 4 + 8 + 4;
        ByteBuffer.wrap(patched).order(ByteOrder.LITTLE_ENDIAN).putLong(infoEnd, 1L << 40);
        Files.write(p, patched);
        assertThatThrownBy(() -> GgufFile.open(p).close()).isInstanceOf(GgufException.class)
                .satisfies(e -> assertThat(((GgufException) e).kind()).isEqualTo(Kind.TENSOR_OUT_OF_BOUNDS));
    }

    @Test
    void rowsThatAreNotWholeBlocks() throws IOException {
        byte[] b = new GgufWriter().rawTensor("blk.0.ffn_down.weight", new long[] {40, 2}, 8, new byte[34 * 3]).toBytes();
        assertKind(file("rows.gguf", b), Kind.SHAPE_MISMATCH, "not a multiple of the Q8_0 block size 32");
    }

    @Test
    void unsupportedTensorTypeNamesTheTensorItsTypeAndTheSupportedOnes() throws IOException {
        byte[] b = new GgufWriter().rawTensor("blk.0.attn_q.weight", new long[] {256}, 16, new byte[66]).toBytes();
        assertKind(file("iq2.gguf", b), Kind.UNSUPPORTED_TENSOR_TYPE,
                "tensor 'blk.0.attn_q.weight' has type IQ2_XXS; supported types are F32, F16, Q4_0, Q8_0, Q4_K, Q5_K, Q6_K and BF16");
    }

    @Test
    void kQuantRowsMustBeWholeSuperBlocks() throws IOException {
        byte[] b = new GgufWriter().rawTensor("blk.0.attn_q.weight", new long[] {128, 2}, 12, new byte[144]).toBytes();
        assertKind(file("q4k-rows.gguf", b), Kind.SHAPE_MISMATCH, "not a multiple of the Q4_K block size 256");
    }

    @Test
    void unknownArchitecture() throws IOException {
        GgufWriter w = tinyLlama(null);
        w.putString("general.architecture", "gpt2");
        assertKind(file("gpt2.gguf", w.toBytes()), Kind.UNKNOWN_ARCHITECTURE, "architecture 'gpt2'");
    }

    @Test
    void missingTensor() throws IOException {
        assertKind(file("missing.gguf", tinyLlama("blk.0.ffn_up.weight").toBytes()), Kind.MISSING_TENSOR,
                "tensor 'blk.0.ffn_up.weight' is missing");
    }

    @Test
    void tensorShapeDisagreesWithTheHyperparameters() throws IOException {
        GgufWriter w = tinyLlama(null);
        w.putU32("llama.feed_forward_length", 64);
        assertKind(file("shape.gguf", w.toBytes()), Kind.SHAPE_MISMATCH, "blk.0.ffn_gate.weight");
    }

    @Test
    void missingHyperparameter() throws IOException {
        byte[] b = new GgufWriter().putString("general.architecture", "llama").toBytes();
        assertThatThrownBy(() -> Model.load(file("bare.gguf", b))).isInstanceOf(GgufException.class)
                .satisfies(e -> assertThat(((GgufException) e).kind()).isIn(Kind.MISSING_METADATA));
    }

    @Test
    void falconNeedsItsLayerNormEpsilon() throws IOException {
        assertKind(file("falcon-eps.gguf", tinyFalcon(null, false).toBytes()), Kind.MISSING_METADATA,
                "falcon.attention.layer_norm_epsilon");
    }

    @Test
    void falconNeedsItsNormBiases() throws IOException {
        assertKind(file("falcon-bias.gguf", tinyFalcon("blk.0.attn_norm.bias", true).toBytes()), Kind.MISSING_TENSOR,
                "tensor 'blk.0.attn_norm.bias' is missing");
    }

    @Test
    void falconsFusedMatrixHasRowsForTheQueriesKeysAndValues() throws IOException {
        GgufWriter w = tinyFalcon(null, true);
        w.putU32("falcon.attention.head_count_kv", 4); // the file's attn_qkv has rows for one KV head
        assertKind(file("falcon-qkv.gguf", w.toBytes()), Kind.SHAPE_MISMATCH, "blk.0.attn_qkv.weight");
    }

    @Test
    void aWellFormedTinyFalconLoads() throws IOException {
        try (Model m = Model.load(file("falcon.gguf", tinyFalcon(null, true).toBytes()))) {
            assertThat(m.config().architecture()).isEqualTo("falcon");
            assertThat(m.weights().tiedOutput()).isTrue();
        }
    }

    /** A one-layer Falcon of dim 32 (4 heads of 8, one KV head), leaving out one tensor or the ε key when asked. */
    private static GgufWriter tinyFalcon(String omit, boolean withEpsilon) {
        GgufWriter w = new GgufWriter();
        w.putString("general.architecture", "falcon");
        w.putU32("falcon.embedding_length", 32);
        w.putU32("falcon.block_count", 1);
        w.putU32("falcon.feed_forward_length", 64);
        w.putU32("falcon.attention.head_count", 4);
        w.putU32("falcon.attention.head_count_kv", 1);
        if (withEpsilon) w.putF32("falcon.attention.layer_norm_epsilon", 1e-5f);
        new org.replique.fixtures.gguf.SyntheticVocabulary(300).writeTo(w);
        String[][] matrices = {
            {"token_embd.weight", "32", "300"}, {"blk.0.attn_qkv.weight", "32", "48"},
            {"blk.0.attn_output.weight", "32", "32"}, {"blk.0.ffn_up.weight", "32", "64"},
            {"blk.0.ffn_down.weight", "64", "32"},
        };
        for (String[] m : matrices) {
            if (m[0].equals(omit)) continue;
            int cols = Integer.parseInt(m[1]);
            int rows = Integer.parseInt(m[2]);
            w.tensor(m[0], TensorType.F32, new long[] {cols, rows}, new float[cols * rows]);
        }
        for (String n : new String[] {"blk.0.attn_norm.weight", "blk.0.attn_norm.bias", "output_norm.weight",
                "output_norm.bias"}) {
            if (n.equals(omit)) continue;
            w.tensor(n, TensorType.F32, new long[] {32}, new float[32]);
        }
        return w;
    }

    /** A one-layer model of dim 32, leaving out one tensor when asked. */
    private static GgufWriter tinyLlama(String omit) {
        GgufWriter w = new GgufWriter();
        w.putString("general.architecture", "llama");
        w.putU32("llama.embedding_length", 32);
        w.putU32("llama.block_count", 1);
        w.putU32("llama.feed_forward_length", 32);
        w.putU32("llama.attention.head_count", 4);
        w.putU32("llama.attention.head_count_kv", 2);
        new org.replique.fixtures.gguf.SyntheticVocabulary(300).writeTo(w);
        String[][] matrices = {
            {"token_embd.weight", "300"}, {"blk.0.attn_q.weight", "32"}, {"blk.0.attn_k.weight", "16"},
            {"blk.0.attn_v.weight", "16"}, {"blk.0.attn_output.weight", "32"}, {"blk.0.ffn_gate.weight", "32"},
            {"blk.0.ffn_up.weight", "32"}, {"blk.0.ffn_down.weight", "32"},
        };
        for (String[] m : matrices) {
            if (m[0].equals(omit)) continue;
            int rows = Integer.parseInt(m[1]);
            w.tensor(m[0], TensorType.F32, new long[] {32, rows}, new float[32 * rows]);
        }
        for (String n : new String[] {"blk.0.attn_norm.weight", "blk.0.ffn_norm.weight", "output_norm.weight"}) {
            w.tensor(n, TensorType.F32, new long[] {32}, new float[32]);
        }
        return w;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        // The tensor name "t" follows its u64 length 1; find that pattern after the header.
        for (int i = 24; i < haystack.length - needle.length; i++) {
            if (haystack[i - 8] == 1 && haystack[i] == needle[0]) return i;
        }
        throw new IllegalStateException();
    }
}
