package org.replique.engine.model;

import java.util.ArrayList;
import java.util.List;
import org.replique.engine.gguf.GgmlType;
import org.replique.engine.model.ModelFile.Problem;
import org.replique.engine.tensor.Blocks;
import org.replique.engine.tensor.WeightMatrix;

/**
 * All weights of a model, as views into the mapped file (matrices stay in their encoding; the
 * small norm vectors are decoded to floats). Immutable and shared by every sequence. Tensor names
 * are llama.cpp's for the architecture.
 *
 * @param outputNormBias the final LayerNorm's bias (Falcon), or null
 */
public record ModelWeights(
        WeightMatrix tokenEmbedding,
        List<LayerWeights> layers,
        float[] outputNorm,
        float[] outputNormBias,
        WeightMatrix output,
        boolean tiedOutput) {

    public static ModelWeights from(ModelFile file, ModelConfig c) {
        Loader l = new Loader(file);
        WeightMatrix embedding = l.matrix("token_embd.weight", c.vocabSize(), c.dim());
        boolean falcon = c.architecture().equals("falcon");
        int qDim = c.heads() * c.headDim();
        List<LayerWeights> layers = new ArrayList<>(c.layers());
        for (int i = 0; i < c.layers(); i++) {
            String p = "blk." + i + ".";
            if (falcon) {
                // Falcon-40B normalizes the attention input separately; Falcon-7B has no attn_norm_2.
                boolean secondNorm = file.tensors().containsKey(p + "attn_norm_2.weight");
                layers.add(LayerWeights.falcon(
                        l.vector(p + "attn_norm.weight", c.dim()),
                        l.vector(p + "attn_norm.bias", c.dim()),
                        secondNorm ? l.vector(p + "attn_norm_2.weight", c.dim()) : null,
                        secondNorm ? l.vector(p + "attn_norm_2.bias", c.dim()) : null,
                        l.matrix(p + "attn_qkv.weight", qDim + 2 * c.kvDim(), c.dim()),
                        l.matrix(p + "attn_output.weight", c.dim(), qDim),
                        l.matrix(p + "ffn_up.weight", c.ffnDim(), c.dim()),
                        l.matrix(p + "ffn_down.weight", c.dim(), c.ffnDim())));
            } else {
                layers.add(LayerWeights.llama(
                        l.vector(p + "attn_norm.weight", c.dim()),
                        l.matrix(p + "attn_q.weight", qDim, c.dim()),
                        l.matrix(p + "attn_k.weight", c.kvDim(), c.dim()),
                        l.matrix(p + "attn_v.weight", c.kvDim(), c.dim()),
                        l.matrix(p + "attn_output.weight", c.dim(), qDim),
                        l.vector(p + "ffn_norm.weight", c.dim()),
                        l.matrix(p + "ffn_gate.weight", c.ffnDim(), c.dim()),
                        l.matrix(p + "ffn_up.weight", c.ffnDim(), c.dim()),
                        l.matrix(p + "ffn_down.weight", c.dim(), c.ffnDim())));
            }
        }
        float[] outputNorm = l.vector("output_norm.weight", c.dim());
        float[] outputNormBias = falcon ? l.vector("output_norm.bias", c.dim()) : null;
        boolean tied = !file.tensors().containsKey("output.weight");
        WeightMatrix output = tied ? embedding : l.matrix("output.weight", c.vocabSize(), c.dim());
        return new ModelWeights(embedding, List.copyOf(layers), outputNorm, outputNormBias, output, tied);
    }

    /** Looks tensors up by name and checks their shapes against the configuration. */
    private record Loader(ModelFile file) {
        ModelTensor find(String name) {
            ModelTensor t = file.tensors().get(name);
            if (t == null) {
                throw file.error(Problem.MISSING_TENSOR, "tensor '" + file.sourceName(name) + "' is missing");
            }
            return t;
        }

        WeightMatrix matrix(String name, int rows, int cols) {
            ModelTensor t = find(name);
            long[] s = t.shape();
            if (s.length != 2 || s[0] != cols || s[1] != rows) {
                throw file.error(Problem.SHAPE_MISMATCH, "tensor '" + t.name() + "' has shape "
                        + java.util.Arrays.toString(s) + ", the model's hyperparameters need [" + cols + ", " + rows + "]");
            }
            return new WeightMatrix(name, t.type(), rows, cols, t.data(), t.order());
        }

        float[] vector(String name, int length) {
            ModelTensor t = find(name);
            if (t.elementCount() != length || t.shape().length != 1) {
                throw file.error(Problem.SHAPE_MISMATCH, "tensor '" + t.name() + "' has shape "
                        + java.util.Arrays.toString(t.shape()) + ", expected [" + length + "]");
            }
            if (t.type() != GgmlType.F32 && t.type() != GgmlType.F16 && t.type() != GgmlType.BF16) {
                throw file.error(Problem.UNSUPPORTED_TYPE, "norm tensor '" + t.name() + "' is " + t.type());
            }
            float[] out = new float[length];
            Blocks.dequantize(t.type(), t.data(), 0, length, out, 0);
            return out;
        }
    }
}
