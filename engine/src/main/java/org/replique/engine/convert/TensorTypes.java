package org.replique.engine.convert;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.replique.engine.gguf.GgmlType;
import org.replique.engine.model.ModelTensor;

/**
 * The type each tensor of a llama-architecture model gets, chosen as {@code llama-quantize} does
 * ({@code llama_tensor_get_type} in llama.cpp's {@code src/llama-quant.cpp}), without an
 * importance matrix:
 * <ul>
 *   <li>only matrices are quantized (names ending in {@code weight}, not norms); vectors keep
 *       their type;</li>
 *   <li>the output projection — or the token embedding when the output is tied to it — gets
 *       Q6_K unless the file type is Q8_0 (Q8_0 when its rows are not whole blocks of the base
 *       type);</li>
 *   <li>for Q4_K_M and Q5_K_M, {@code attn_v} and {@code ffn_down} get Q6_K in the layers
 *       {@link #useMoreBits} picks: the first and last eighth and every third between;</li>
 *   <li>a matrix whose rows are not whole blocks of its type falls back: Q6_K to Q8_0, and to F16
 *       when rows are not whole blocks of 32 either. Where llama-quantize falls back from Q4_K to
 *       Q5_0 and from Q5_K to Q5_1, types the engine does not read, this gives Q8_0 (same block
 *       size, more precision) and says so.</li>
 * </ul>
 * Counters run in llama-quantize's tensor order ({@link #ORDER}).
 */
final class TensorTypes {

    /**
     * A tensor, the type it gets, and the type llama-quantize writes instead when that is one the
     * engine does not read (else null).
     */
    record Planned(ModelTensor tensor, GgmlType type, String llamaType) {}

    /** llama.cpp's order of a model's tensors: those outside the layers first, then by layer; by name within each. */
    static final Comparator<String> ORDER = Comparator.comparingInt(TensorTypes::layerOf).thenComparing(Comparator.naturalOrder());

    private TensorTypes() {}

    /** The plan for {@code tensors} (in {@link #ORDER}) of a model of {@code layers} layers. */
    static List<Planned> choose(Quantization q, List<ModelTensor> tensors, int layers) {
        boolean tied = tensors.stream().noneMatch(t -> t.name().equals("output.weight"));
        int attnV = (int) tensors.stream().filter(t -> t.name().contains("attn_v.weight")).count();
        boolean mixed = q == Quantization.Q4_K_M || q == Quantization.Q5_K_M;
        int iAttnV = 0;
        int iFfnDown = 0;
        List<Planned> plan = new ArrayList<>(tensors.size());
        for (ModelTensor t : tensors) {
            String name = t.name();
            if (!quantizable(t)) {
                plan.add(new Planned(t, t.type(), null));
                continue;
            }
            GgmlType type = q.baseType();
            if (name.equals("output.weight") || (tied && name.equals("token_embd.weight"))) {
                if (t.shape()[0] % type.blockSize() != 0) {
                    type = GgmlType.Q8_0;
                } else if (type != GgmlType.Q8_0) {
                    type = GgmlType.Q6_K;
                }
            } else if (name.equals("token_embd.weight")) {
                // the base type
            } else if (name.contains("attn_v.weight")) {
                if (mixed && useMoreBits(iAttnV, attnV)) type = GgmlType.Q6_K;
                iAttnV++;
            } else if (name.contains("ffn_down")) {
                if (mixed && useMoreBits(iFfnDown, layers)) type = GgmlType.Q6_K;
                iFfnDown++;
            }
            plan.add(fallback(t, type));
        }
        return plan;
    }

    /** llama-quantize's {@code use_more_bits}. */
    static boolean useMoreBits(int layer, int layers) {
        return layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;
    }

    /** Matrices whose name ends in {@code weight}, norms excepted (llama-quantize's {@code tensor_allows_quantization}). */
    static boolean quantizable(ModelTensor t) {
        int dims = t.shape().length;
        while (dims > 1 && t.shape()[dims - 1] == 1) dims--;
        return dims >= 2 && t.name().endsWith("weight") && !t.name().contains("_norm.weight");
    }

    private static Planned fallback(ModelTensor t, GgmlType type) {
        long cols = t.shape()[0];
        if (cols % type.blockSize() == 0) return new Planned(t, type, null);
        String llama = switch (type) {
            case Q4_K -> "Q5_0";
            case Q5_K -> "Q5_1";
            case Q6_K -> "Q8_0";
            default -> type.name();
        };
        GgmlType chosen = type.blockSize() == 256 ? GgmlType.Q8_0 : type;
        if (cols % chosen.blockSize() != 0) return new Planned(t, GgmlType.F16, null);
        return new Planned(t, chosen, llama.equals(chosen.name()) ? null : llama);
    }

    /** The N of {@code blk.N.…}, or −1. */
    static int layerOf(String name) {
        if (!name.startsWith("blk.")) return -1;
        int end = 4;
        while (end < name.length() && Character.isDigit(name.charAt(end))) end++;
        if (end == 4) return -1;
        try {
            return Integer.parseInt(name.substring(4, end));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
