package org.replique.server.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.replique.engine.gguf.GgmlType;
import org.replique.engine.model.ModelFile;
import org.replique.engine.convert.ModelQuantizer;
import org.replique.engine.convert.Quantization;
import org.replique.server.hub.ModelReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code replique quantize IN OUT --type TYPE}: writes a model (a GGUF file, a Hugging Face
 * folder, or a pulled {@code OWNER/NAME}) as a quantized GGUF file that llama.cpp and Réplique
 * load, choosing each tensor's type and quantizing as llama-quantize does.
 */
@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = {"Write a model as a quantized GGUF file, as llama-quantize does (same tensor types, same bytes).",
                "IN: a GGUF file, a Hugging Face model folder, or OWNER/NAME of a pulled model."},
        footer = {"", "Types: q8_0 (8.5 bits per weight), q6_k (6.6), q5_k_m (about 5.7), q4_k_m (about 4.9), q4_0 (about 4.6)."
                + " The _m mixes keep the output and some layers' attn_v and ffn_down in Q6_K."})
public final class QuantizeCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IN", description = "GGUF file, Hugging Face folder, or OWNER/NAME")
    String input;

    @Parameters(index = "1", paramLabel = "OUT", description = "the GGUF file to write")
    Path output;

    @Option(names = "--type", paramLabel = "TYPE", required = true, description = "q8_0, q4_0, q4_k_m, q5_k_m or q6_k")
    String type;

    @Option(names = "--allow-requantize",
            description = "quantize tensors that are already quantized (loses precision; better start from F32/F16/BF16)")
    boolean allowRequantize;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "threads (default: one per processor)")
    int threads;

    @Spec
    CommandSpec spec;

    /** The huggingface_hub cache that OWNER/NAME is looked up in: from the environment unless set (tests). */
    Path hubCache;

    @Override
    public Integer call() throws IOException {
        Quantization quantization = Quantization.parse(type);
        Path in = hubCache != null ? ModelReference.resolve(input, hubCache) : ModelReference.resolve(input);
        if (Files.isDirectory(output)) {
            throw new IllegalArgumentException(output + " is a folder; OUT names the GGUF file to write");
        }
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new IllegalArgumentException("cannot write " + output + ": no folder " + parent);
        }
        if (Files.exists(output) && Files.exists(in) && Files.isSameFile(in, output)) {
            throw new IllegalArgumentException(output + " is the input; write the quantized model to another file");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long start = System.nanoTime();
        try (ModelFile model = ModelFile.open(in)) {
            err.printf(Locale.ROOT, "Quantizing %s (%s, %s) to %s%n", model.name(), in, size(model.sizeBytes()), quantization);
            err.flush();
            ModelQuantizer.Result r = ModelQuantizer.quantize(model, output,
                    new ModelQuantizer.Options(quantization, allowRequantize, threads),
                    LoadProgressBar.onStandardError("Quantizing"));
            for (String note : r.notes()) err.println("note: " + note);
            err.flush();
            int tensors = r.tensorsByType().values().stream().mapToInt(Integer::intValue).sum();
            out.printf(Locale.ROOT, "Wrote %s: %s, %d tensors (%s), %s of weights → %s (%.2f bits per weight) in %.1f s%n",
                    output, quantization, tensors, byType(r.tensorsByType()), size(r.bytesIn()), size(r.bytesOut()),
                    r.bitsPerWeight(), (System.nanoTime() - start) / 1e9);
            out.flush();
        }
        return 0;
    }

    private static String byType(Map<GgmlType, Integer> counts) {
        return counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    private static String size(long bytes) {
        if (bytes >= 1L << 30) return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
        if (bytes >= 1L << 20) return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
}
