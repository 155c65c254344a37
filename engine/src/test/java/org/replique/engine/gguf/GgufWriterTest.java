package org.replique.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.replique.fixtures.Fixtures;
import org.replique.fixtures.gguf.GgufReader;
import org.replique.fixtures.gguf.GgufWriter.ValueType;

/**
 * The engine's GGUF writer: files that the engine's reader and the test fixtures' independent
 * reader both read back as written, laid out as ggml's writer lays them out.
 */
class GgufWriterTest {
    @TempDir
    Path dir;

    private static GgufWriter everyValueType() {
        return new GgufWriter()
                .put("u8", GgufValueType.UINT8, 200)
                .put("i8", GgufValueType.INT8, -5)
                .put("u16", GgufValueType.UINT16, 60000)
                .put("i16", GgufValueType.INT16, -30000)
                .putU32("u32", 4_000_000_000L)
                .put("i32", GgufValueType.INT32, -7)
                .putF32("f32", 1.5e-5f)
                .putBool("bool", true)
                .putString("string", "Célimène — « dialogue »")
                .put("u64", GgufValueType.UINT64, 1L << 40)
                .put("i64", GgufValueType.INT64, -(1L << 40))
                .put("f64", GgufValueType.FLOAT64, Math.PI)
                .putArray("strings", GgufValueType.STRING, new String[] {"<s>", "▁le", "<0x0A>"})
                .putArray("floats", GgufValueType.FLOAT32, new float[] {0f, -1.25f})
                .putArray("i32s", GgufValueType.INT32, new int[] {1, 3, 6})
                .putArray("nested", GgufValueType.ARRAY, new GgufArray[] {
                        new GgufArray(GgufValueType.UINT8, new int[] {1, 2}), new GgufArray(GgufValueType.BOOL, new boolean[] {true})});
    }

    @Test
    void everyValueTypeReadsBackWithItsDeclaredType() throws IOException {
        Path file = dir.resolve("m.gguf");
        everyValueType().write(file);
        try (GgufFile g = GgufFile.open(file)) {
            GgufMetadata m = g.metadata();
            assertThat(m.asMap().keySet()).containsExactly("u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "string",
                    "u64", "i64", "f64", "strings", "floats", "i32s", "nested");
            assertThat(m.getInt("u8")).isEqualTo(200);
            assertThat(m.getInt("i8")).isEqualTo(-5);
            assertThat(m.getInt("u16")).isEqualTo(60000);
            assertThat(m.getInt("i16")).isEqualTo(-30000);
            assertThat(m.getLong("u32")).isEqualTo(4_000_000_000L);
            assertThat(m.getInt("i32")).isEqualTo(-7);
            assertThat(m.getFloat("f32", 0)).isEqualTo(1.5e-5f);
            assertThat(m.getBoolean("bool", false)).isTrue();
            assertThat(m.getString("string")).isEqualTo("Célimène — « dialogue »");
            assertThat(m.getLong("u64")).isEqualTo(1L << 40);
            assertThat(m.getLong("i64")).isEqualTo(-(1L << 40));
            assertThat((Double) m.get("f64")).isEqualTo(Math.PI);
            assertThat(m.getStringArray("strings")).containsExactly("<s>", "▁le", "<0x0A>");
            assertThat(m.getFloatArray("floats")).containsExactly(0f, -1.25f);
            assertThat(m.getIntArray("i32s")).containsExactly(1, 3, 6);
            for (String key : m.asMap().keySet()) {
                assertThat(m.type(key)).as(key).isNotNull();
            }
            assertThat(m.type("u8")).isEqualTo(GgufValueType.UINT8);
            assertThat(m.type("i16")).isEqualTo(GgufValueType.INT16);
            assertThat(m.type("u64")).isEqualTo(GgufValueType.UINT64);
            assertThat(m.type("nested")).isEqualTo(GgufValueType.ARRAY);
        }
        GgufReader independent = GgufReader.read(file);
        assertThat(independent.metadata().get("u8").type()).isEqualTo(ValueType.UINT8);
        assertThat(independent.metadata().get("i16").value()).isEqualTo(-30000);
        assertThat(independent.metadata().get("u32").value()).isEqualTo(4_000_000_000L);
        assertThat(independent.metadata().get("f64").value()).isEqualTo(Math.PI);
        assertThat(independent.<String>array("strings")).containsExactly("<s>", "▁le", "<0x0A>");
    }

    @Test
    void aCopiedFileHasTheSameMetadataAndTensors() throws IOException {
        Path source = Fixtures.file("models/stories260K-f32.gguf");
        Path copy = dir.resolve("copy.gguf");
        try (GgufFile g = GgufFile.open(source)) {
            GgufWriter w = new GgufWriter().copy(g.metadata());
            for (GgufTensorInfo t : g.tensors().values()) {
                w.tensor(t.name(), t.type(), t.shape(), out -> out.write(t.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)));
            }
            w.write(copy);
            try (GgufFile c = GgufFile.open(copy)) {
                assertThat(c.metadata().asMap().keySet()).containsExactlyElementsOf(g.metadata().asMap().keySet());
                for (String key : g.metadata().asMap().keySet()) {
                    assertThat(c.metadata().type(key)).as(key).isEqualTo(g.metadata().type(key));
                    Object a = c.metadata().get(key);
                    Object b = g.metadata().get(key);
                    if (a instanceof GgufArray x && b instanceof GgufArray y) {
                        assertThat(x.values()).as(key).isEqualTo(y.values());
                    } else {
                        assertThat(a).as(key).isEqualTo(b);
                    }
                }
                assertThat(c.tensors().keySet()).containsExactlyElementsOf(g.tensors().keySet());
                for (GgufTensorInfo t : g.tensors().values()) {
                    GgufTensorInfo u = c.tensor(t.name());
                    assertThat(u.shape()).isEqualTo(t.shape());
                    assertThat(u.offset() % 32).isZero();
                    assertThat(u.data().mismatch(t.data())).as(t.name()).isEqualTo(-1);
                }
            }
        }
    }

    /** As ggml writes them: trailing dimensions of one dropped, every tensor (the last too) padded to the alignment. */
    @Test
    void shapesLoseTrailingOnesAndDataIsPaddedToTheAlignment() throws IOException {
        Path file = dir.resolve("t.gguf");
        new GgufWriter().put("general.alignment", GgufValueType.UINT32, 64L)
                .tensor("a", GgmlType.F32, new long[] {3, 1}, out -> out.write(new byte[12]))
                .tensor("b", GgmlType.Q8_0, new long[] {32, 2}, out -> out.write(new byte[68]))
                .write(file);
        try (GgufFile g = GgufFile.open(file)) {
            assertThat(g.tensor("a").shape()).containsExactly(3);
            assertThat(g.tensor("b").offset()).isEqualTo(64);
            assertThat(g.dataStart() % 64).isZero();
            assertThat(g.fileSize()).isEqualTo(g.dataStart() + 64 + 128);
        }
    }

    @Test
    void aTensorThatWritesTheWrongNumberOfBytesIsAnError() {
        GgufWriter w = new GgufWriter().tensor("blk.0.attn_q.weight", GgmlType.Q4_K, new long[] {256, 2},
                out -> out.write(new byte[144]));
        assertThatThrownBy(() -> w.write(dir.resolve("bad.gguf")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("blk.0.attn_q.weight").hasMessageContaining("144").hasMessageContaining("288");
    }

    @Test
    void valuesMustMatchTheirTypesAndShapesTheirBlocks() {
        assertThatThrownBy(() -> new GgufWriter().put("k", GgufValueType.STRING, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'k'");
        assertThatThrownBy(() -> new GgufWriter().putArray("a", GgufValueType.FLOAT32, new int[] {1}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GgufWriter().put("general.alignment", GgufValueType.UINT32, 48L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("power of two");
        assertThatThrownBy(() -> new GgufWriter().tensor("q", GgmlType.Q4_K, new long[] {128, 2}, out -> {}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("q");
    }

    @Test
    void settingAKeyAgainMovesItToTheEndAsGgmlDoes() throws IOException {
        Path file = dir.resolve("k.gguf");
        new GgufWriter().putU32("general.file_type", 1).putString("general.name", "x").putU32("general.file_type", 15)
                .write(file);
        try (GgufFile g = GgufFile.open(file)) {
            assertThat(List.copyOf(g.metadata().asMap().keySet())).containsExactly("general.name", "general.file_type");
            assertThat(g.metadata().getInt("general.file_type")).isEqualTo(15);
        }
        assertThat(Files.size(file) % 32).isZero();
    }
}
