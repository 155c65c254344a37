package org.replique.engine.convert;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.replique.engine.gguf.GgmlType;
import org.replique.engine.quant.ReferenceQuantizers;
import org.replique.engine.gguf.GgufWriter;
import org.replique.engine.model.LoadProgress;
import org.replique.engine.model.ModelFile;
import org.replique.engine.model.ModelTensor;
import org.replique.engine.tensor.WeightMatrix;

/**
 * Writes a model as a quantized GGUF file, as {@code llama-quantize} does: the source's metadata
 * (a GGUF's own, copied in order; or, for another format, what llama.cpp's converter would write,
 * {@link GgufMetadataOf}) with {@code general.quantization_version} 2 and {@code general.file_type}
 * set; the tensors in llama.cpp's order, each in the type {@link TensorTypes} chooses, quantized by
 * {@link ReferenceQuantizers} from its rows decoded to floats (rows in the engine's order, so a
 * Hugging Face checkpoint's Q and K come out as llama.cpp's converter writes them). On a GGUF
 * source whose matrices divide into 256-weight blocks the file is byte for byte llama-quantize's.
 *
 * <p>Tensors are written one at a time, in slabs of rows quantized in parallel, so memory stays at
 * a few slabs whatever the model's size; the output appears under its name only once complete.
 */
public final class ModelQuantizer {
    private static final long SLAB_BYTES = 8L << 20;
    private static final int ROWS_PER_TASK = 16;

    /**
     * @param allowRequantize quantize tensors that are already quantized (from their decoded values;
     *                        llama-quantize's {@code --allow-requantize}), else refuse them
     * @param threads         threads that quantize rows; 0 for one per available processor
     */
    public record Options(Quantization quantization, boolean allowRequantize, int threads) {
        public Options(Quantization quantization) {
            this(quantization, false, 0);
        }
    }

    /** What was written: tensors per type, bytes of tensor data read and written, notes on types that differ from llama-quantize's. */
    public record Result(Path file, Map<GgmlType, Integer> tensorsByType, long bytesIn, long bytesOut, long weights,
                         List<String> notes) {
        /** Bits per weight of the output's tensor data. */
        public double bitsPerWeight() {
            return weights == 0 ? 0 : bytesOut * 8.0 / weights;
        }
    }

    private ModelQuantizer() {}

    /** Quantizes {@code model} into {@code out}; {@code progress} hears bytes of source tensors done. */
    public static Result quantize(ModelFile model, Path out, Options options, LoadProgress progress) throws IOException {
        // Under the engine's (GGUF) names, whatever the source calls them.
        List<ModelTensor> tensors = new ArrayList<>();
        model.tensors().forEach((name, t) -> tensors.add(new ModelTensor(name, t.type(), t.shape(), t.data(), t.order())));
        tensors.sort((a, b) -> TensorTypes.ORDER.compare(a.name(), b.name()));
        List<TensorTypes.Planned> plan = TensorTypes.choose(options.quantization(), tensors, model.config().layers());
        boolean gguf = model.ggufMetadata().isPresent();

        GgufWriter w = new GgufWriter();
        if (gguf) {
            w.copy(model.ggufMetadata().get());
            for (String split : List.of("split.no", "split.count", "split.tensors.count")) w.remove(split);
        } else {
            GgufMetadataOf.write(model, w);
        }
        w.putU32("general.quantization_version", 2);
        w.putU32("general.file_type", options.quantization().fileType());

        Map<GgmlType, Integer> byType = new EnumMap<>(GgmlType.class);
        record Substitution(String llamaType, GgmlType type) {}
        Map<Substitution, Integer> substituted = new java.util.LinkedHashMap<>();
        long total = 0;
        long weights = 0;
        long bytesOut = 0;
        for (TensorTypes.Planned p : plan) {
            ModelTensor t = p.tensor();
            // Vectors of a converted checkpoint are F32 in GGUF, as llama.cpp's converter writes them.
            GgmlType type = !gguf && p.type() == t.type() && !TensorTypes.quantizable(t) ? GgmlType.F32 : p.type();
            if (type != t.type() && isQuantized(t.type()) && !options.allowRequantize()) {
                throw new IllegalArgumentException("tensor '" + model.sourceName(t.name()) + "' is already " + t.type()
                        + "; quantizing it again to " + type + " loses precision (allow it with --allow-requantize,"
                        + " or start from the F32/F16/BF16 model)");
            }
            if (p.llamaType() != null) substituted.merge(new Substitution(p.llamaType(), type), 1, Integer::sum);
            byType.merge(type, 1, Integer::sum);
            total += t.data().byteSize();
            weights += t.elementCount();
            bytesOut += type.bytesFor(t.elementCount());
        }

        int threads = options.threads() > 0 ? options.threads() : Runtime.getRuntime().availableProcessors();
        ForkJoinPool pool = new ForkJoinPool(threads);
        Path part = out.resolveSibling(out.getFileName() + ".part");
        try {
            Progress done = new Progress(progress == null ? LoadProgress.NONE : progress, total);
            for (TensorTypes.Planned p : plan) {
                ModelTensor t = p.tensor();
                GgmlType type = !gguf && p.type() == t.type() && !TensorTypes.quantizable(t) ? GgmlType.F32 : p.type();
                w.tensor(t.name(), type, t.shape(), stream -> write(t, type, stream, pool, done));
            }
            w.write(part);
            Files.move(part, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            pool.shutdownNow();
            Files.deleteIfExists(part);
        }
        List<String> notes = new ArrayList<>();
        substituted.forEach((s, count) -> notes.add(count + " matri" + (count == 1 ? "x" : "ces") + " whose rows are not"
                + " whole blocks of 256 weights: " + s.type() + " where llama-quantize writes " + s.llamaType()
                + ", a type Réplique does not read"));
        return new Result(out, byType, total, bytesOut, weights, List.copyOf(notes));
    }

    private static boolean isQuantized(GgmlType type) {
        return type != GgmlType.F32 && type != GgmlType.F16 && type != GgmlType.BF16;
    }

    /** Streams tensor {@code t} in {@code type}: its bytes as they are, else its rows decoded and quantized. */
    private static void write(ModelTensor t, GgmlType type, OutputStream out, ForkJoinPool pool, Progress progress)
            throws IOException {
        int cols = Math.toIntExact(t.shape()[0]);
        int rows = Math.toIntExact(t.elementCount() / cols);
        WeightMatrix m = new WeightMatrix(t.name(), t.type(), rows, cols, t.data(), t.order());
        long rowBytes = type.bytesFor(cols);
        int slabRows = (int) Math.max(1, Math.min(rows, SLAB_BYTES / Math.max(rowBytes, m.rowBytes())));
        byte[] slab = new byte[Math.toIntExact(slabRows * rowBytes)];
        MemorySegment target = MemorySegment.ofArray(slab);
        for (int start = 0; start < rows; start += slabRows) {
            int n = Math.min(slabRows, rows - start);
            if (type == t.type()) {
                for (int r = 0; r < n; r++) {
                    MemorySegment.copy(t.data(), ValueLayout.JAVA_BYTE, t.order().storedRow(start + r) * rowBytes,
                            slab, (int) (r * rowBytes), (int) rowBytes);
                }
            } else {
                int first = start;
                int tasks = (n + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
                run(pool, () -> IntStream.range(0, tasks).parallel().forEach(task -> {
                    float[] row = new float[cols];
                    for (int r = task * ROWS_PER_TASK; r < Math.min(n, (task + 1) * ROWS_PER_TASK); r++) {
                        m.dequantizeRow(first + r, row, 0);
                        ReferenceQuantizers.quantize(type, row, 0, cols, target, r * rowBytes);
                    }
                }));
            }
            out.write(slab, 0, (int) (n * rowBytes));
            progress.add((long) n * m.rowBytes());
        }
        if (t.data().isMapped()) {
            t.data().unload(); // its pages are not needed again: let the page cache give them back
        }
    }

    private static void run(ForkJoinPool pool, Runnable work) throws IOException {
        try {
            pool.submit(work).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("quantization interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IOException(e.getCause());
        }
    }

    /** Bytes of source tensors done, told to the listener. */
    private static final class Progress {
        private final LoadProgress listener;
        private final long total;
        private long done;

        Progress(LoadProgress listener, long total) {
            this.listener = listener;
            this.total = total;
            listener.update(0, total);
        }

        void add(long bytes) {
            done += bytes;
            listener.update(Math.min(done, total), total);
        }
    }
}
