package org.replique.engine.tornadovm;

import static org.replique.engine.tornadovm.DeviceKernels.CHUNK;
import static org.replique.engine.tornadovm.DeviceKernels.COUNT;
import static org.replique.engine.tornadovm.DeviceKernels.LANES;
import static org.replique.engine.tornadovm.DeviceKernels.START;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.replique.engine.model.ModelConfig;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.WorkerGrid;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.enums.TornadoVMBackendType;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The forward pass as one TornadoVM execution plan, built once per backend: a task graph per layer,
 * then one for the logits. Weights and each layer's share of the KV cache pool are uploaded on the
 * first execution and stay on the device; the activations are allocated there once and handed from
 * graph to graph ({@code persistOnDevice} / {@code consumeFromDevice}). Each pass uploads only its
 * input (the chunk's embeddings, its positions' rotation angles, the sequence's page table and two
 * integers) and brings back only the logits, when asked.
 *
 * <p>A layer graph runs RMSNorm, the stacked Q/K/V product, RoPE with the KV-cache write,
 * attention, the output projection added to the residual, RMSNorm, gate/up with SiLU, and the down
 * projection added to the residual; before each product whose weights are F16 or quantized, a
 * kernel converts its input (F16 rounding, Q8_0 quantization). The logits graph normalises the
 * chunk's last token and multiplies it by the output matrix.
 *
 * <p>Work-groups are {@link DeviceKernels#LANES} wide: one per output row for the products, one per
 * token (or per token and head for attention) for the rest; those per token are resized to each
 * pass's token count.
 */
final class ForwardPlan implements AutoCloseable {
    private final ModelConfig c;
    private final int layers;
    private final int qkvDim;
    private final int poolPages;

    // Inputs of a pass, uploaded by the first layer graph at every execution.
    private final FloatArray x;
    private final IntArray meta;
    private final FloatArray rope;
    private final IntArray pages;
    // Intermediate activations: allocated on the device once, never copied back.
    private final FloatArray xb;
    private final FloatArray qkv;
    private final FloatArray attention;
    private final FloatArray hidden;
    // A matrix product's input in the form its weights take (F16-rounded, or Q8_0 quants and scales).
    private final FloatArray rounded;
    private final ByteArray quants;
    private final FloatArray scales;
    // The logits graph's own buffers.
    private final IntArray oneToken;
    private final FloatArray last;
    private final FloatArray logits;

    private final List<FloatArray> keys = new ArrayList<>();
    private final List<FloatArray> values = new ArrayList<>();
    private final GridScheduler grids = new GridScheduler();
    private final List<ChunkGrid> chunkGrids = new ArrayList<>();
    private final TornadoExecutionPlan plan;

    ForwardPlan(ModelConfig config, DeviceWeights weights, int poolPages, boolean openCl) {
        this.c = config;
        this.layers = config.layers();
        this.poolPages = poolPages;
        int dim = c.dim();
        int qDim = c.heads() * c.headDim();
        int kvDim = c.kvDim();
        this.qkvDim = qDim + 2 * kvDim;

        x = new FloatArray(CHUNK * dim);
        meta = new IntArray(2);
        rope = new FloatArray(CHUNK * c.ropeDims());
        pages = new IntArray(poolPages);
        xb = new FloatArray(CHUNK * dim);
        qkv = new FloatArray(CHUNK * qkvDim);
        attention = new FloatArray(CHUNK * qDim);
        hidden = new FloatArray(CHUNK * c.ffnDim());
        int widest = Math.max(Math.max(dim, qDim), c.ffnDim());
        rounded = new FloatArray(CHUNK * widest);
        quants = new ByteArray(CHUNK * widest);
        scales = new FloatArray(CHUNK * ((widest + 31) / 32));
        oneToken = IntArray.fromElements(1);
        last = new FloatArray(dim);
        logits = new FloatArray(c.vocabSize());

        int slots = poolPages * DeviceKernels.PAGE;
        for (int l = 0; l < layers; l++) {
            keys.add(new FloatArray(slots * kvDim));
            values.add(new FloatArray(slots * kvDim));
        }

        KernelContext context = new KernelContext();
        List<ImmutableTaskGraph> graphs = new ArrayList<>(layers + 1);
        for (int l = 0; l < layers; l++) {
            graphs.add(layerGraph(l, weights.layers().get(l), context).snapshot());
        }
        graphs.add(logitsGraph(weights, context).snapshot());

        TornadoExecutionPlan p = new TornadoExecutionPlan(graphs.toArray(new ImmutableTaskGraph[0]));
        p.withGridScheduler(grids);
        if (openCl) {
            // Instead of TornadoVM's default -cl-fast-relaxed-math: IEEE division and square root,
            // no reassociation. The activation conversions repeat ggml's float operations (amax/127,
            // rounding at half steps) and must round exactly as the CPU does.
            p.withCompilerFlags(TornadoVMBackendType.OPENCL, "-cl-fp32-correctly-rounded-divide-sqrt -w");
        }
        this.plan = p;
    }

    private static String layerName(int l) {
        return "layer" + l;
    }

    private TaskGraph layerGraph(int l, DeviceWeights.Layer w, KernelContext context) {
        int dim = c.dim();
        int heads = c.heads();
        int kvHeads = c.kvHeads();
        int headDim = c.headDim();
        float scale = 1.0f / (float) Math.sqrt(headDim);
        FloatArray k = keys.get(l);
        FloatArray v = values.get(l);
        TaskGraph g = new TaskGraph(layerName(l));
        if (l == 0) {
            g.transferToDevice(DataTransferMode.EVERY_EXECUTION, x, meta, rope, pages);
            g.transferToDevice(DataTransferMode.FIRST_EXECUTION, xb, qkv, attention, hidden, rounded, quants, scales);
        } else {
            g.consumeFromDevice(layerName(l - 1), x, meta, rope, pages, xb, qkv, attention, hidden, rounded, quants,
                    scales);
        }
        g.transferToDevice(DataTransferMode.FIRST_EXECUTION, w.attentionNorm(), w.ffnNorm(), k, v);
        upload(g, w.qkv());
        upload(g, w.wo());
        upload(g, w.gateUp());
        upload(g, w.down());

        g.task("attnNorm", DeviceKernels::rmsNorm, context, meta, x, xb, w.attentionNorm(), dim, c.normEps(), 0);
        perToken(g, "attnNorm", 1);
        product(g, "qkv", DeviceKernels.STORE, context, meta, xb, qkv, w.qkv(), w.qkv().rows);
        g.task("rope", DeviceKernels::ropeAndStore, context, meta, pages, qkv, rope, k, v, heads, kvHeads, headDim,
                c.ropeDims(), poolPages);
        perToken(g, "rope", 1);
        g.task("attention", DeviceKernels::attention, context, meta, pages, qkv, k, v, attention, heads, kvHeads,
                headDim, c.slidingWindow(), scale, poolPages);
        perToken(g, "attention", heads);
        product(g, "wo", DeviceKernels.ADD, context, meta, attention, x, w.wo(), w.wo().rows);
        g.task("ffnNorm", DeviceKernels::rmsNorm, context, meta, x, xb, w.ffnNorm(), dim, c.normEps(), 0);
        perToken(g, "ffnNorm", 1);
        product(g, "gateUp", DeviceKernels.SWIGLU, context, meta, xb, hidden, w.gateUp(), c.ffnDim());
        product(g, "down", DeviceKernels.ADD, context, meta, hidden, x, w.down(), w.down().rows);

        g.persistOnDevice(x, meta, rope, pages, xb, qkv, attention, hidden, rounded, quants, scales);
        return g;
    }

    private TaskGraph logitsGraph(DeviceWeights w, KernelContext context) {
        TaskGraph g = new TaskGraph("logits");
        g.consumeFromDevice(layerName(layers - 1), x, meta, rounded, quants, scales);
        g.transferToDevice(DataTransferMode.FIRST_EXECUTION, w.outputNorm(), oneToken, last);
        upload(g, w.output());
        g.task("norm", DeviceKernels::rmsNorm, context, meta, x, last, w.outputNorm(), c.dim(), c.normEps(), 1);
        schedule(g, "norm", 1);
        product(g, "output", DeviceKernels.STORE, context, oneToken, last, logits, w.output(), w.output().rows);
        g.transferToHost(DataTransferMode.EVERY_EXECUTION, logits);
        return g;
    }

    private static void upload(TaskGraph g, DeviceMatrix m) {
        g.transferToDevice(DataTransferMode.FIRST_EXECUTION, m.floats, m.bytes, m.halves);
    }

    /**
     * Adds the task that converts {@code in} to the form {@code m}'s weights multiply with (none for
     * F32), then the product itself ({@link DeviceKernels#product} with {@code epilogue}), named
     * {@code name} (the conversion is {@code name + "Input"}).
     */
    private void product(TaskGraph g, String name, int epilogue, KernelContext context, IntArray count,
                         FloatArray in, FloatArray out, DeviceMatrix m, int rows) {
        FloatArray x = in;
        if (m.format == DeviceMatrix.F16) {
            g.task(name + "Input", DeviceKernels::roundActivations, context, count, in, rounded, m.cols);
            inputGrid(g, name + "Input", count);
            x = rounded;
        } else if (m.format == DeviceMatrix.Q8_0 || m.format == DeviceMatrix.Q4_0) {
            g.task(name + "Input", DeviceKernels::quantizeActivations, context, count, in, quants, scales, m.cols);
            inputGrid(g, name + "Input", count);
        }
        schedule(g, name, rows);
        g.task(name, DeviceKernels::product, context, count, x, quants, scales, out, m.floats, m.bytes, m.halves,
                m.format, rows, m.cols, epilogue);
    }

    /**
     * Launches task {@code name} of {@code g} as {@code groups} work-groups of
     * {@link DeviceKernels#LANES}: one per token, per (token, head) or per output row.
     */
    private WorkerGrid schedule(TaskGraph g, String name, int groups) {
        WorkerGrid grid = new WorkerGrid1D(groups * LANES);
        grid.setLocalWork(LANES, 1, 1);
        grids.addWorkerGrid(g.getTaskGraphName() + "." + name, grid);
        return grid;
    }

    /**
     * Schedules {@code groupsPerToken} work-groups per token of the pass: sized for a full chunk
     * here, resized to each pass's token count by {@link #layers} so that a decoded token does not
     * launch a chunk's worth of idle work-groups.
     */
    private void perToken(TaskGraph g, String name, int groupsPerToken) {
        chunkGrids.add(new ChunkGrid(schedule(g, name, CHUNK * groupsPerToken), groupsPerToken));
    }

    /** A conversion of a product's input: per token of the pass, or a single group for the logits. */
    private void inputGrid(TaskGraph g, String name, IntArray count) {
        if (count == meta) {
            perToken(g, name, 1);
        } else {
            schedule(g, name, 1);
        }
    }

    private record ChunkGrid(WorkerGrid grid, int groupsPerToken) {}

    /** Bytes of the activation buffers a plan for {@code c} allocates on the device, the KV pool aside. */
    static long activationBytes(ModelConfig c) {
        long qDim = (long) c.heads() * c.headDim();
        long widest = Math.max(Math.max(c.dim(), qDim), c.ffnDim());
        long perToken = 2L * c.dim() + c.ropeDims() + qDim + 2L * c.kvDim() + qDim + c.ffnDim() + widest + widest / 32;
        return 4L * (CHUNK * perToken + c.dim() + c.vocabSize()) + CHUNK * widest;
    }

    /**
     * Runs the layers over {@code count} tokens at positions {@code start…}, whose embeddings are in
     * {@code embeddings} (row-major) and whose cache pages are {@code table}.
     */
    void layers(float[] embeddings, int count, int start, float[] angles, int[] table, Runnable betweenLayers) {
        MemorySegment.copy(embeddings, 0, x.getSegment(), ValueLayout.JAVA_FLOAT, 0, count * c.dim());
        MemorySegment.copy(angles, 0, rope.getSegment(), ValueLayout.JAVA_FLOAT, 0, count * c.ropeDims());
        MemorySegment.copy(table, 0, pages.getSegment(), ValueLayout.JAVA_INT, 0, table.length);
        meta.set(COUNT, count);
        meta.set(START, start);
        for (ChunkGrid g : chunkGrids) {
            g.grid().setGlobalWork((long) count * g.groupsPerToken() * LANES, 1, 1);
        }
        for (int l = 0; l < layers; l++) {
            betweenLayers.run();
            plan.withGraph(l).execute();
        }
    }

    /** The logits after the last token of the pass that just ran. */
    float[] logits() {
        plan.withGraph(layers).execute();
        return logits.toHeapArray();
    }

    /** Compiles every kernel and uploads the weights, with an empty pass. */
    void warmUp() {
        meta.set(COUNT, 0);
        meta.set(START, 0);
        for (int l = 0; l <= layers; l++) {
            plan.withGraph(l).execute();
        }
    }

    @Override
    public void close() {
        plan.freeDeviceMemory();
    }
}
