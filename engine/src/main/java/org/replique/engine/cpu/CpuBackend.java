package org.replique.engine.cpu;

import org.replique.engine.backend.Backend;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.backend.InferenceState;
import org.replique.engine.kernel.Kernels;
import org.replique.engine.model.Model;

/**
 * The CPU backend: the {@link Transformer} over a {@link Kernels} implementation. Prompts are
 * evaluated in chunks of {@link #CHUNK} tokens, each chunk a batch through every layer; a
 * cancelled call keeps the chunks that completed.
 */
public final class CpuBackend implements Backend {
    /** Tokens per batched step of prompt evaluation. */
    public static final int CHUNK = 32;

    private final Model model;
    private final Kernels kernels;
    private final Transformer transformer;
    private final String description;

    public CpuBackend(Model model, Kernels kernels, String description) {
        this.model = model;
        this.kernels = kernels;
        this.transformer = new Transformer(model.config(), model.weights(), kernels);
        this.description = description;
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Model model() {
        return model;
    }

    public Kernels kernels() {
        return kernels;
    }

    @Override
    public InferenceState newState(int contextLength) {
        int capacity = Math.max(1, contextLength);
        return new CpuState(model.config(), capacity, Math.min(CHUNK, capacity));
    }

    @Override
    public float[] forward(InferenceState state, int[] tokens, int offset, int count, Cancellation cancel) {
        if (!(state instanceof CpuState cpu)) {
            throw new IllegalArgumentException("state of another backend: " + state.getClass().getSimpleName());
        }
        if (count <= 0) {
            throw new IllegalArgumentException("nothing to evaluate");
        }
        if (cpu.length() + count > cpu.capacity()) {
            throw new IllegalArgumentException("context full: " + cpu.length() + " + " + count + " tokens exceed "
                    + cpu.capacity() + " positions");
        }
        int vocab = model.config().vocabSize();
        for (int i = offset; i < offset + count; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocab) {
                throw new IllegalArgumentException("token id " + tokens[i] + " outside the vocabulary of " + vocab);
            }
        }
        int chunk = cpu.scratch.x.length / model.config().dim();
        float[] logits = null;
        for (int done = 0; done < count; done += chunk) {
            int n = Math.min(chunk, count - done);
            boolean last = done + n == count;
            logits = transformer.forward(cpu, tokens, offset + done, n, last, cancel);
        }
        return logits;
    }

    @Override
    public void close() {}

}
