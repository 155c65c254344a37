package org.replique.engine.model;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.replique.engine.gguf.GgmlType;
import org.replique.engine.quant.ReferenceQuantizers;
import org.replique.engine.tensor.WeightMatrix;

/**
 * Quantizes a model's float matrices at load, as {@code llama-quantize} would write them: every
 * F32/F16/BF16 matrix whose rows are whole blocks becomes the target type, except the output
 * projection (or the embedding when the output is tied to it), which keeps Q8_0 when the target
 * is Q4_0 — like llama-quantize, which gives that matrix a higher precision than the rest.
 * Matrices already quantized, or whose rows are not whole blocks, stay as they are. Results are
 * in logical row order, in memory of {@code arena}; the mapped pages of each matrix are released
 * once it is quantized.
 */
final class QuantizedWeights {
    /** Rows per parallel task. */
    private static final int ROWS_PER_TASK = 64;

    /** The quantized weights, and whether some matrix still points into the mapped file. */
    record Result(ModelWeights weights, boolean usesFile) {}

    private QuantizedWeights() {}

    static Result quantize(ModelWeights w, WeightsFormat format, Arena arena, LoadProgress progress) {
        GgmlType target = format.type();
        GgmlType outputType = target == GgmlType.Q4_0 ? GgmlType.Q8_0 : target;
        Converter c = new Converter(w, arena, progress != null ? progress : LoadProgress.NONE);
        WeightMatrix output = c.convert(w.output(), outputType);
        WeightMatrix embedding = w.tiedOutput() ? output : c.convert(w.tokenEmbedding(), target);
        List<LayerWeights> layers = new ArrayList<>(w.layers().size());
        for (LayerWeights l : w.layers()) {
            layers.add(l.withMatrices(m -> c.convert(m, target)));
        }
        return new Result(new ModelWeights(embedding, List.copyOf(layers), w.outputNorm(), w.outputNormBias(),
                output, w.tiedOutput()),
                c.usesFile);
    }

    /** Converts matrices one by one, reporting the bytes of the originals done so far. */
    private static final class Converter {
        final Arena arena;
        final LoadProgress progress;
        final long total;
        long done;
        boolean usesFile;

        Converter(ModelWeights w, Arena arena, LoadProgress progress) {
            this.arena = arena;
            this.progress = progress;
            long bytes = w.tokenEmbedding().data().byteSize();
            for (LayerWeights l : w.layers()) {
                for (WeightMatrix m : l.matrices()) {
                    bytes += m.data().byteSize();
                }
            }
            if (!w.tiedOutput()) bytes += w.output().data().byteSize();
            this.total = bytes;
            progress.update(0, total);
        }

        WeightMatrix convert(WeightMatrix m, GgmlType type) {
            WeightMatrix q = quantizable(m, type) ? quantize(m, type, arena) : m;
            if (q == m) {
                usesFile = true;
            } else if (m.data().isMapped()) {
                // Its pages are not needed any more: give them back now, so that a load peaks at
                // the quantized weights plus one matrix rather than both whole models.
                m.data().unload();
            }
            done += m.data().byteSize();
            progress.update(done, total);
            return q;
        }
    }

    private static boolean quantizable(WeightMatrix m, GgmlType type) {
        boolean floats = m.type() == GgmlType.F32 || m.type() == GgmlType.F16 || m.type() == GgmlType.BF16;
        return floats && m.cols() % type.blockSize() == 0;
    }

    /** Row by row in logical order: decode to floats, quantize, in parallel over blocks of rows. */
    static WeightMatrix quantize(WeightMatrix m, GgmlType type, Arena arena) {
        long rowBytes = type.bytesFor(m.cols());
        MemorySegment out = arena.allocate(rowBytes * m.rows(), 64);
        int tasks = (m.rows() + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        IntStream.range(0, tasks).parallel().forEach(task -> {
            float[] row = new float[m.cols()];
            int end = Math.min(m.rows(), (task + 1) * ROWS_PER_TASK);
            for (int r = task * ROWS_PER_TASK; r < end; r++) {
                m.dequantizeRow(r, row, 0);
                ReferenceQuantizers.quantize(type, row, 0, m.cols(), out, r * rowBytes);
            }
        });
        return new WeightMatrix(m.name(), type, m.rows(), m.cols(), out);
    }
}
