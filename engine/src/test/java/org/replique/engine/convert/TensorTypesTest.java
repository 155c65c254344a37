package org.replique.engine.convert;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.replique.engine.gguf.GgmlType;
import org.replique.engine.model.ModelTensor;
import org.replique.engine.tensor.RowOrder;
import org.replique.fixtures.Fixtures;

/**
 * Each tensor gets the type llama-quantize gives it. {@code reference/quantize/mistral-7b.llama-quantize-types.tsv}
 * is llama-quantize's own choice (a dry run of {@code llama_model_quantize} on a GGUF of Mistral-7B's
 * 291 tensors) for every file type: Q4_K_M puts the output, and attn_v and ffn_down of layers 0-3,
 * 6, 9, …, 27 and 28-31 in Q6_K; Q4_0 puts the output in Q6_K.
 */
class TensorTypesTest {
    private record Row(String name, long cols, long rows, List<String> types) {}

    private static final List<Quantization> COLUMNS = List.of(Quantization.Q8_0, Quantization.Q4_0, Quantization.Q4_K_M,
            Quantization.Q5_K_M, Quantization.Q6_K);

    private static List<Row> mistral7b() throws IOException {
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(Fixtures.file("reference/quantize/mistral-7b.llama-quantize-types.tsv"))) {
            if (line.startsWith("#")) continue;
            String[] f = line.split("\t");
            rows.add(new Row(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), List.of(f).subList(3, 8)));
        }
        return rows;
    }

    private static ModelTensor tensor(String name, long cols, long rows, GgmlType type) {
        long[] shape = rows == 1 ? new long[] {cols} : new long[] {cols, rows};
        return new ModelTensor(name, type, shape, MemorySegment.NULL, RowOrder.IDENTITY);
    }

    @ParameterizedTest
    @EnumSource(Quantization.class)
    void mistral7bGetsLlamaQuantizesTypes(Quantization q) throws IOException {
        List<Row> rows = mistral7b();
        List<ModelTensor> tensors = new ArrayList<>();
        for (Row r : rows) tensors.add(tensor(r.name, r.cols, r.rows, r.rows == 1 ? GgmlType.F32 : GgmlType.BF16));
        tensors.sort((a, b) -> TensorTypes.ORDER.compare(a.name(), b.name()));
        assertThat(tensors.stream().map(ModelTensor::name)).as("llama.cpp's tensor order")
                .containsExactlyElementsOf(rows.stream().map(Row::name).toList());

        List<TensorTypes.Planned> plan = TensorTypes.choose(q, tensors, 32);
        for (int i = 0; i < rows.size(); i++) {
            String expected = rows.get(i).types.get(COLUMNS.indexOf(q));
            assertThat(plan.get(i).type().name()).as(rows.get(i).name).isEqualTo(expected);
            assertThat(plan.get(i).llamaType()).isNull();
        }
    }

    @Test
    void aTiedEmbeddingTakesTheOutputsType() {
        List<ModelTensor> tensors = List.of(tensor("token_embd.weight", 4096, 32000, GgmlType.F16),
                tensor("blk.0.attn_v.weight", 4096, 1024, GgmlType.F16));
        assertThat(TensorTypes.choose(Quantization.Q4_K_M, tensors, 1).getFirst().type()).isEqualTo(GgmlType.Q6_K);
        assertThat(TensorTypes.choose(Quantization.Q8_0, tensors, 1).getFirst().type()).isEqualTo(GgmlType.Q8_0);
        List<ModelTensor> untied = List.of(tensor("output.weight", 4096, 32000, GgmlType.F16),
                tensor("token_embd.weight", 4096, 32000, GgmlType.F16));
        assertThat(TensorTypes.choose(Quantization.Q4_K_M, untied, 1).get(1).type()).isEqualTo(GgmlType.Q4_K);
    }

    /**
     * Rows that are not whole blocks of 256 fall back as llama-quantize's do — Q6_K to Q8_0, and to F16
     * when not whole blocks of 32 — except that its Q5_0 and Q5_1 become Q8_0, and say so.
     */
    @Test
    void rowsThatAreNotWholeBlocksFallBack() {
        List<ModelTensor> tensors = List.of(tensor("output.weight", 192, 2048, GgmlType.F32),
                tensor("blk.0.attn_q.weight", 192, 192, GgmlType.F32),
                tensor("blk.0.ffn_down.weight", 172, 64, GgmlType.F32),
                tensor("blk.0.ffn_up.weight", 512, 64, GgmlType.F32));
        List<TensorTypes.Planned> k4 = TensorTypes.choose(Quantization.Q4_K_M, tensors, 1);
        assertThat(k4).extracting(TensorTypes.Planned::type)
                .containsExactly(GgmlType.Q8_0, GgmlType.Q8_0, GgmlType.F16, GgmlType.Q4_K);
        assertThat(k4).extracting(TensorTypes.Planned::llamaType).containsExactly(null, "Q5_0", null, null);
        assertThat(TensorTypes.choose(Quantization.Q5_K_M, tensors, 1).get(1).llamaType()).isEqualTo("Q5_1");
        List<TensorTypes.Planned> k6 = TensorTypes.choose(Quantization.Q6_K, tensors, 1);
        assertThat(k6).extracting(TensorTypes.Planned::type).containsExactly(GgmlType.Q8_0, GgmlType.Q8_0, GgmlType.F16,
                GgmlType.Q6_K);
        assertThat(k6).extracting(TensorTypes.Planned::llamaType).containsOnlyNulls();
    }

    @Test
    void normsAndVectorsKeepTheirType() {
        List<ModelTensor> tensors = List.of(tensor("blk.0.attn_norm.weight", 4096, 1, GgmlType.F32),
                tensor("output_norm.weight", 4096, 1, GgmlType.BF16));
        assertThat(TensorTypes.choose(Quantization.Q4_0, tensors, 1)).extracting(TensorTypes.Planned::type)
                .containsExactly(GgmlType.F32, GgmlType.BF16);
    }

    @Test
    void useMoreBitsPicksTheFirstAndLastEighthAndEveryThirdBetween() {
        List<Integer> picked = new ArrayList<>();
        for (int layer = 0; layer < 32; layer++) if (TensorTypes.useMoreBits(layer, 32)) picked.add(layer);
        assertThat(picked).containsExactly(0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31);
    }
}
