package org.replique.engine.tornadovm;

import static org.replique.engine.tornadovm.DeviceKernels.CHUNK;
import static org.replique.engine.tornadovm.DeviceKernels.PAGE;

import java.util.Locale;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.backend.InferenceState;
import org.replique.engine.backend.Profiling;
import org.replique.engine.model.Model;
import org.replique.engine.model.ModelConfig;

/**
 * The forward pass on a TornadoVM device. Creating the backend repacks the weights, builds the
 * {@link ForwardPlan}, compiles its kernels and uploads the weights; each sequence then holds pages
 * of one KV cache pool on the device ({@link TornadoState}). Prompts are evaluated in chunks of
 * {@link DeviceKernels#CHUNK} tokens, each chunk one pass through the layer graphs; a cancelled
 * call keeps the chunks that completed.
 *
 * <p>Once the weights and the KV pool are on the device, their host copies are released where the
 * driver holds its own copy (OpenCL), so that the process does not keep the model twice; with
 * {@code -Dreplique.tornadovm.keep-host-copies=true}, or on other backends (PTX pins the host
 * copies for its transfers), they stay.
 *
 * <p>The device runs one pass at a time: sequences on several threads take turns.
 */
public final class TornadoBackend implements Backend, Profiling {
    /** Headroom left on the device beside weights, activations and KV pool (TornadoVM's own buffers). */
    private static final long RESERVE_BYTES = 64L << 20;
    /** System property: keep the host copies of the weights and KV pool after the upload. */
    static final String KEEP_HOST_COPIES_PROPERTY = "replique.tornadovm.keep-host-copies";

    private final Model model;
    private final ModelConfig c;
    private final Device device;
    private final KvPages pool;
    private final long bytesPerPage;
    private final RopeAngles angles;
    private final ForwardPlan plan;
    private final HostArrays host;
    private final String description;
    private final Object deviceLock = new Object();
    private final float[] embeddings;
    private final float[] rotations;
    private volatile boolean closed;

    /**
     * @param kvPositions positions of the KV cache pool, or 0 for the default: room for two
     *                    sequences of the model's full context, as far as the device memory allows
     */
    TornadoBackend(Model model, Device device, int kvPositions) {
        this.model = model;
        this.c = model.config();
        this.device = device;
        if (c.headDim() > DeviceKernels.MAX_HEAD_DIM) {
            throw new IllegalArgumentException("head size " + c.headDim() + " exceeds the attention kernel's "
                    + DeviceKernels.MAX_HEAD_DIM);
        }
        long t0 = System.nanoTime();
        this.host = new HostArrays();
        DeviceWeights weights = DeviceWeights.repack(model.weights(), host);
        long t1 = System.nanoTime();
        long bytesPerPosition = 2L * c.layers() * c.kvDim() * Float.BYTES;
        this.bytesPerPage = bytesPerPosition * PAGE;
        int pages = poolPages(kvPositions, weights.deviceBytes(), bytesPerPosition);
        this.pool = new KvPages(pages);
        this.angles = new RopeAngles(c.ropeDims(), c.ropeTheta());
        this.embeddings = new float[CHUNK * c.dim()];
        this.rotations = new float[CHUNK * c.ropeDims()];
        this.plan = new ForwardPlan(c, weights, pages, host, device.openCl());
        // The first execution compiles every task and uploads the weights: timed by TornadoVM's profiler.
        plan.startProfiling();
        plan.warmUp();
        KernelProfile startup = plan.stopProfiling();
        long t2 = System.nanoTime();
        if (device.openCl() && !Boolean.getBoolean(KEEP_HOST_COPIES_PROPERTY)) {
            host.release();
        }
        this.description = String.format(Locale.ROOT,
                "tornadovm on %s, %s weights on the device, KV cache pool of %d positions (%.0f MiB), %d task graphs"
                        + " per pass%s; started in %.1f s (repacking %.1f s; compiling and uploading %.1f s: Graal %.1f s,"
                        + " driver %.1f s, upload %.1f s)",
                device.describe(), weights.formats(), pages * PAGE, pages * (double) bytesPerPage / (1 << 20),
                plan.graphs(), host.released() ? ", host copies released" : "", (t2 - t0) / 1e9, (t1 - t0) / 1e9,
                (t2 - t1) / 1e9, startup.total("TOTAL_GRAAL_COMPILE_TIME") / 1e9,
                startup.total("TOTAL_DRIVER_COMPILE_TIME") / 1e9, startup.total("COPY_IN_TIME") / 1e9);
    }

    /** Pages for the requested positions, or by default what fits beside the weights (two full contexts at most). */
    private int poolPages(int requested, long weightBytes, long bytesPerPosition) {
        if (requested > 0) {
            if ((long) requested * c.kvDim() > Integer.MAX_VALUE - (long) PAGE * c.kvDim()) {
                throw new IllegalArgumentException(requested + " KV cache positions of " + c.kvDim()
                        + " values exceed one device array per layer");
            }
            return (requested + PAGE - 1) / PAGE;
        }
        long activations = ForwardPlan.activationBytes(c);
        long room = device.memoryBudget() - weightBytes - activations - RESERVE_BYTES;
        long byMemory = room / bytesPerPosition;
        long byAllocation = device.maxAllocation() / (4L * c.kvDim());
        long byIndex = Integer.MAX_VALUE / c.kvDim();
        long positions = Math.min(2L * c.contextLength(), Math.min(byMemory, Math.min(byAllocation, byIndex)));
        if (positions < PAGE) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "the weights (%.0f MiB) leave no room for a KV cache in the %.0f MiB that TornadoVM may use on %s:"
                            + " raise -Dtornado.device.memory (e.g. -Dtornado.device.memory=%dGB)",
                    weightBytes / 1048576.0, device.memoryBudget() / 1048576.0, device.describe(),
                    (weightBytes + activations + RESERVE_BYTES + (long) c.contextLength() * bytesPerPosition
                            + (1L << 30) - 1) >> 30));
        }
        return (int) (positions / PAGE);
    }

    @Override
    public String name() {
        return "tornadovm";
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Model model() {
        return model;
    }

    /** Positions the KV cache pool holds for all sequences together. */
    public int poolPositions() {
        return pool.pages() * PAGE;
    }

    /** Positions of the pool no sequence holds. */
    public int freePositions() {
        return pool.free() * PAGE;
    }

    @Override
    public InferenceState newState(int contextLength) {
        if (closed) throw new IllegalStateException("the tornadovm backend is closed");
        return new TornadoState(this, pool, Math.max(1, contextLength), c.slidingWindow(), bytesPerPage);
    }

    @Override
    public float[] forward(InferenceState state, int[] tokens, int offset, int count, Cancellation cancel) {
        if (!(state instanceof TornadoState s) || s.owner != this) {
            throw new IllegalArgumentException("state of another backend: " + state.getClass().getSimpleName());
        }
        if (count <= 0) {
            throw new IllegalArgumentException("nothing to evaluate");
        }
        if (s.length() + count > s.capacity()) {
            throw new IllegalArgumentException("context full: " + s.length() + " + " + count + " tokens exceed "
                    + s.capacity() + " positions");
        }
        int vocab = c.vocabSize();
        for (int i = offset; i < offset + count; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocab) {
                throw new IllegalArgumentException("token id " + tokens[i] + " outside the vocabulary of " + vocab);
            }
        }
        synchronized (deviceLock) {
            if (closed) throw new IllegalStateException("the tornadovm backend is closed");
            float[] logits = null;
            for (int done = 0; done < count; ) {
                int n = Math.min(CHUNK, count - done);
                cancel.check();
                s.reserve(n);
                for (int t = 0; t < n; t++) {
                    model.weights().tokenEmbedding().dequantizeRow(tokens[offset + done + t], embeddings, t * c.dim());
                }
                angles.fill(s.length(), n, rotations);
                plan.layers(embeddings, n, s.length(), count > 1, rotations, s.table(), cancel::check);
                s.advance(n);
                done += n;
                if (done == count) {
                    logits = plan.logits();
                }
            }
            return logits;
        }
    }

    @Override
    public void startProfiling() {
        synchronized (deviceLock) {
            plan.startProfiling();
        }
    }

    /**
     * Per kernel (summed over layers), its device time from TornadoVM's profiler; the totals are
     * TornadoVM's per-execution timers, e.g. {@code TOTAL_TASK_GRAPH_TIME} (the host's time for
     * the whole execution), {@code TOTAL_KERNEL_TIME}, {@code COPY_IN_TIME}, {@code COPY_OUT_TIME},
     * {@code TOTAL_DISPATCH_KERNEL_TIME}.
     */
    @Override
    public Profile stopProfiling() {
        synchronized (deviceLock) {
            return plan.stopProfiling().toProfile();
        }
    }

    @Override
    public void close() {
        synchronized (deviceLock) {
            if (closed) return;
            closed = true;
            plan.close();
            host.release();
        }
    }
}
