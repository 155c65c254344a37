package org.replique.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.replique.fixtures.gguf.GgufWriter.ValueType.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.replique.fixtures.Fixtures;
import org.replique.fixtures.gguf.GgufWriter;
import org.replique.fixtures.gguf.GgufWriter.TensorType;

/** The reader parses every metadata type, both versions, and maps tensors without copying. */
class GgufFileTest {
    @TempDir
    Path dir;

    private Path write(GgufWriter w) throws IOException {
        Path p = Files.createTempFile(dir, "model", ".gguf");
        w.write(p);
        return p;
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void readsEveryMetadataValueType(int version) throws IOException {
        GgufWriter w = new GgufWriter().version(version)
                .put("u8", UINT8, 250).put("i8", INT8, -5).put("u16", UINT16, 65000).put("i16", INT16, -300)
                .put("u32", UINT32, 4_000_000_000L).put("i32", INT32, -7).put("f32", FLOAT32, 1.5f)
                .put("bool", BOOL, true).put("str", STRING, "Réplique « ok »")
                .put("u64", UINT64, 1L << 40).put("i64", INT64, -(1L << 40)).put("f64", FLOAT64, 2.25)
                .putArray("floats", FLOAT32, List.of(1f, 2f, 3f))
                .putArray("strings", STRING, List.of("a", "é", ""))
                .putArray("nested", ARRAY, List.of(
                        new GgufWriter.Array(INT32, List.of(1, 2)),
                        new GgufWriter.Array(STRING, List.of("x"))))
                .putArray("empty", UINT8, List.of());
        try (GgufFile f = GgufFile.open(write(w))) {
            GgufMetadata m = f.metadata();
            assertThat(f.version()).isEqualTo(version);
            assertThat(m.getLong("u8")).isEqualTo(250);
            assertThat(m.getLong("i8")).isEqualTo(-5);
            assertThat(m.getLong("u16")).isEqualTo(65000);
            assertThat(m.getLong("i16")).isEqualTo(-300);
            assertThat(m.getLong("u32")).isEqualTo(4_000_000_000L);
            assertThat(m.getInt("i32")).isEqualTo(-7);
            assertThat(m.getFloat("f32", 0)).isEqualTo(1.5f);
            assertThat(m.getBoolean("bool", false)).isTrue();
            assertThat(m.getString("str")).isEqualTo("Réplique « ok »");
            assertThat(m.getLong("u64")).isEqualTo(1L << 40);
            assertThat(m.getLong("i64")).isEqualTo(-(1L << 40));
            assertThat(m.get("f64")).isEqualTo(2.25);
            assertThat(m.getFloatArray("floats")).containsExactly(1f, 2f, 3f);
            assertThat(m.getStringArray("strings")).containsExactly("a", "é", "");
            GgufArray nested = (GgufArray) m.get("nested");
            assertThat(nested.elementType()).isEqualTo(GgufValueType.ARRAY);
            GgufArray[] inner = (GgufArray[]) nested.values();
            assertThat((int[]) inner[0].values()).containsExactly(1, 2);
            assertThat((String[]) inner[1].values()).containsExactly("x");
            assertThat(((GgufArray) m.get("empty")).size()).isZero();
        }
    }

    @Test
    void integerKeysAreReadByValueWhateverTheirDeclaredWidth() throws IOException {
        GgufWriter w = new GgufWriter().put("a", UINT64, 4096L).put("b", INT32, 4096).put("c", UINT16, 4096);
        try (GgufFile f = GgufFile.open(write(w))) {
            assertThat(f.metadata().getInt("a")).isEqualTo(4096);
            assertThat(f.metadata().getInt("b")).isEqualTo(4096);
            assertThat(f.metadata().getInt("c")).isEqualTo(4096);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {32, 64, 256})
    void tensorsStartAtTheAlignedDataOffset(int alignment) throws IOException {
        float[] a = {1, 2, 3};
        float[] b = new float[64];
        for (int i = 0; i < b.length; i++) b[i] = i * 0.5f - 3;
        GgufWriter w = new GgufWriter().alignment(alignment)
                .tensor("a", TensorType.F32, new long[] {3}, a)
                .tensor("b", TensorType.Q8_0, new long[] {32, 2}, b);
        try (GgufFile f = GgufFile.open(write(w))) {
            assertThat(f.dataStart() % alignment).isZero();
            GgufTensorInfo ta = f.tensor("a");
            GgufTensorInfo tb = f.tensor("b");
            assertThat(ta.type()).isEqualTo(GgmlType.F32);
            assertThat(ta.data().byteSize()).isEqualTo(12);
            assertThat(tb.offset() % alignment).isZero();
            assertThat(tb.shape()).containsExactly(32, 2);
            assertThat(tb.data().byteSize()).isEqualTo(2 * 34);
            float[] decoded = new float[64];
            org.replique.engine.tensor.Blocks.dequantize(GgmlType.Q8_0, tb.data(), 0, 64, decoded, 0);
            // Q8_0 of values up to 28.5: steps of 28.5/127 ≈ 0.224 (scale rounded to f16), error ≤ half a step.
            for (int i = 0; i < 64; i++) assertThat(decoded[i]).isCloseTo(b[i], org.assertj.core.data.Offset.offset(0.125f));
            assertThat(List.copyOf(f.tensors().keySet())).containsExactly("a", "b");
        }
    }

    @Test
    void vocabularyOnlyFilesHaveNoTensors() {
        try (GgufFile f = GgufFile.open(Fixtures.file("tokenizer-vectors/ggml-vocab-llama-spm.gguf"))) {
            assertThat(f.tensors()).isEmpty();
            assertThat(f.metadata().getStringArray("tokenizer.ggml.tokens")).hasSize(32000);
        }
    }

    @Test
    void tensorDataIsAViewOfTheMappedFileNotACopy() {
        try (GgufFile f = GgufFile.open(Fixtures.file("models/stories260K-f32.gguf"))) {
            GgufTensorInfo t = f.tensor("token_embd.weight");
            assertThat(t.data().isMapped()).isTrue();
            assertThat(t.data().isReadOnly()).isTrue();
        }
    }

    @Test
    void closingUnmapsTheFile() {
        GgufFile f = GgufFile.open(Fixtures.file("models/stories260K-f32.gguf"));
        var segment = f.tensor("output_norm.weight").data();
        f.close();
        assertThatThrownBy(() -> segment.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void wrongValueTypesNameTheKey() throws IOException {
        GgufWriter w = new GgufWriter().putString("llama.block_count", "five");
        try (GgufFile f = GgufFile.open(write(w))) {
            assertThatThrownBy(() -> f.metadata().getInt("llama.block_count"))
                    .isInstanceOf(GgufException.class)
                    .hasMessageContaining("llama.block_count")
                    .extracting(e -> ((GgufException) e).kind()).isEqualTo(GgufException.Kind.MALFORMED_METADATA);
        }
    }
}
