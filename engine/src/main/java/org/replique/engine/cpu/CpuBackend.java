package org.replique.engine.cpu;

import java.lang.foreign.Arena;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.backend.InferenceState;
import org.replique.engine.backend.KvType;
import org.replique.engine.file.ModelFileChangedException;
import org.replique.engine.backend.WeightPlacement;
import org.replique.engine.kernel.Kernels;
import org.replique.engine.model.Model;
import org.replique.engine.model.ModelWeights;

/**
 * The CPU backend: the {@link Transformer} over a {@link Kernels} implementation and its own
 * {@link ComputePool}. Prompts are evaluated in chunks of {@link #CHUNK} tokens, each chunk a
 * batch through every layer; a cancelled call keeps the chunks that completed. The weights are
 * read from the model's mapping or from the backend's own copy ({@link WeightPlacement}). Closing
 * the backend stops its threads and frees its copy.
 */
public final class CpuBackend implements Backend {
    /**
     * Tokens per batched step of prompt evaluation. The tiled kernels decode each weight once per
     * chunk, so a larger chunk spends less on decoding; 64 costs about 15 MB of activation buffers
     * at Mistral-7B's sizes.
     */
    public static final int CHUNK = 64;

    private final Model model;
    private final Kernels kernels;
    private final ComputePool pool;
    private final KvType kvType;
    private final Transformer transformer;
    private final ForwardProfile profile;
    private final WeightPlacement placement;
    /** The memory of the weights' copy, or null when they are read from the mapping. */
    private final Arena copy;
    private final String description;

    /** One thread (the caller's), F32 cache. */
    public CpuBackend(Model model, Kernels kernels, String description) {
        this(model, kernels, 1, KvType.F32, description);
    }

    /** {@code threads} compute threads in all, the caller included; weights read from the mapping. */
    public CpuBackend(Model model, Kernels kernels, int threads, KvType kvType, String description) {
        this(model, kernels, threads, kvType, WeightPlacement.MAP, description);
    }

    /**
     * {@code threads} compute threads in all, the caller included; weights where {@code placement}
     * says ({@link WeightPlacement#AUTO}: copied when this system and its free memory allow).
     */
    public CpuBackend(Model model, Kernels kernels, int threads, KvType kvType, WeightPlacement placement,
                      String description) {
        this.model = model;
        this.kernels = kernels;
        this.kvType = kvType;
        this.placement = CopiedWeights.resolve(placement, model);
        this.pool = new ComputePool(threads);
        this.copy = this.placement == WeightPlacement.COPY ? Arena.ofShared() : null;
        ModelWeights weights;
        try {
            weights = copy != null ? CopiedWeights.copy(model, kernels, copy, pool) : model.weights();
        } catch (RuntimeException | Error e) {
            pool.close();
            if (copy != null) copy.close();
            throw e;
        }
        this.profile = new ForwardProfile(threads);
        this.pool.profile(profile);
        this.transformer = new Transformer(model.config(), weights, kernels, pool, profile);
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

    /** Compute threads, the caller included. */
    @Override
    public int threads() {
        return pool.threads();
    }

    /** Where forward passes spend their time: off until {@link ForwardProfile#enable enabled}. */
    public ForwardProfile profile() {
        return profile;
    }

    /** Where the weights are read from: {@link WeightPlacement#MAP} or {@link WeightPlacement#COPY}. */
    public WeightPlacement placement() {
        return placement;
    }

    public KvType kvType() {
        return kvType;
    }

    @Override
    public InferenceState newState(int contextLength) {
        int capacity = Math.max(1, contextLength);
        return new CpuState(model.config(), model.weights(), capacity, Math.min(CHUNK, capacity), kvType, pool.threads());
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
        try {
            for (int done = 0; done < count; done += chunk) {
                int n = Math.min(chunk, count - done);
                boolean last = done + n == count;
                logits = transformer.forward(cpu, tokens, offset + done, n, count > 1, last, cancel);
            }
        } catch (InternalError e) {
            // The weights are read straight from the mapping: a file truncated under it faults the read.
            if (ModelFileChangedException.isMappingFault(e)) throw new ModelFileChangedException(model.path(), e);
            throw e;
        }
        return logits;
    }

    @Override
    public void close() {
        pool.close();
        if (copy != null) copy.close();
    }

}
