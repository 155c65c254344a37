package org.replique.engine.convert;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.replique.engine.gguf.GgmlType;

/**
 * The file types a model can be quantized to, as {@code llama-quantize} names them: the base type
 * of the matrices and llama.cpp's {@code LLAMA_FTYPE_MOSTLY_*} number, stored as
 * {@code general.file_type}. {@link TensorTypes} says which matrices get another type.
 */
public enum Quantization {
    Q8_0(7, GgmlType.Q8_0),
    Q4_0(2, GgmlType.Q4_0),
    Q4_K_M(15, GgmlType.Q4_K),
    Q5_K_M(17, GgmlType.Q5_K),
    Q6_K(18, GgmlType.Q6_K);

    private final int fileType;
    private final GgmlType baseType;

    Quantization(int fileType, GgmlType baseType) {
        this.fileType = fileType;
        this.baseType = baseType;
    }

    /** {@code general.file_type}. */
    public int fileType() {
        return fileType;
    }

    /** The type most matrices get. */
    public GgmlType baseType() {
        return baseType;
    }

    /** The quantization named {@code name} ({@code q4_k_m}, {@code Q8_0}, …). */
    public static Quantization parse(String name) {
        for (Quantization q : values()) {
            if (q.name().equalsIgnoreCase(name.trim())) return q;
        }
        throw new IllegalArgumentException("unknown quantization '" + name + "'; choose one of " + names());
    }

    /** "q8_0, q4_0, q4_k_m, q5_k_m, q6_k". */
    public static String names() {
        return Arrays.stream(values()).map(q -> q.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
    }
}
