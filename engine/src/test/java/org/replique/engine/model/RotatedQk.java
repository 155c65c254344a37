package org.replique.engine.model;

import org.replique.engine.file.ModelFileException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.replique.engine.tensor.RowOrder;
import org.replique.engine.tokenizer.Vocabulary;

/**
 * A GGUF whose Q and K matrices are handed over as a Hugging Face checkpoint stores them: their
 * rows moved to rotate-half order, declared with that {@link RowOrder} (or, for a negative
 * control, declared as if they were in the engine's order).
 */
final class RotatedQk implements ModelFile {
    private final ModelFile gguf;
    private final Arena arena = Arena.ofShared();
    private final Map<String, ModelTensor> tensors = new LinkedHashMap<>();

    RotatedQk(Path path, boolean declareOrder) {
        gguf = ModelFile.open(path);
        RowOrder order = RowOrder.rotateHalf(gguf.config().headDim());
        for (ModelTensor t : gguf.tensors().values()) {
            if (!t.name().endsWith("attn_q.weight") && !t.name().endsWith("attn_k.weight")) {
                tensors.put(t.name(), t);
                continue;
            }
            int rows = (int) t.shape()[1];
            long rowBytes = t.data().byteSize() / rows;
            MemorySegment stored = arena.allocate(t.data().byteSize());
            for (int r = 0; r < rows; r++) {
                MemorySegment.copy(t.data(), r * rowBytes, stored, order.storedRow(r) * rowBytes, rowBytes);
            }
            tensors.put(t.name(), new ModelTensor(t.name(), t.type(), t.shape(), stored,
                    declareOrder ? order : RowOrder.IDENTITY));
        }
    }

    @Override
    public Path path() {
        return gguf.path();
    }

    @Override
    public String name() {
        return gguf.name();
    }

    @Override
    public long sizeBytes() {
        return gguf.sizeBytes();
    }

    @Override
    public ModelConfig config() {
        return gguf.config();
    }

    @Override
    public Vocabulary vocabulary() {
        return gguf.vocabulary();
    }

    @Override
    public Map<String, ModelTensor> tensors() {
        return tensors;
    }

    @Override
    public ModelFileException error(Problem problem, String detail) {
        return gguf.error(problem, detail);
    }

    @Override
    public void close() {
        gguf.close();
        if (arena.scope().isAlive()) arena.close();
    }
}
