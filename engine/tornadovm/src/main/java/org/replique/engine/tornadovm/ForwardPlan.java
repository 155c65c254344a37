package org.replique.engine.tornadovm;

import static org.replique.engine.tornadovm.DeviceKernels.AS_F32;
import static org.replique.engine.tornadovm.DeviceKernels.AS_Q8;
import static org.replique.engine.tornadovm.DeviceKernels.AS_Q8K;
import static org.replique.engine.tornadovm.DeviceKernels.BATCH;
import static org.replique.engine.tornadovm.DeviceKernels.CHUNK;
import static org.replique.engine.tornadovm.DeviceKernels.COUNT;
import static org.replique.engine.tornadovm.DeviceKernels.LANES;
import static org.replique.engine.tornadovm.DeviceKernels.START;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.replique.engine.model.BlockLayout;
import org.replique.engine.model.ModelConfig;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.WorkerGrid;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.enums.ProfilerMode;
import uk.ac.manchester.tornado.api.enums.TornadoVMBackendType;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The forward pass as one TornadoVM execution plan, built once per backend: task graphs of up to
 * {@link #MAX_LAYERS_PER_GRAPH} consecutive layers each, then one for the logits. Weights and each
 * layer's share of the KV cache pool are uploaded on the first execution and stay on the device;
 * the activations are allocated there once and handed from graph to graph
 * ({@code persistOnDevice} / {@code consumeFromDevice}). Each pass uploads only its input (the
 * chunk's embeddings, its positions' rotation angles, the sequence's page table and two integers)
 * and brings back only the logits, when asked. Grouping layers means few TornadoVM executions per
 * pass (five for a 32-layer model: four layer graphs and the logits), not one per layer: the
 * host's cost of starting a graph is paid a few times per token, and the device runs the kernels
 * of a graph back to back. TornadoVM bounds a graph (256 tasks, an 8 KB buffer for its tasks, and
 * its bytecode buffer, {@code -Dtornado.tvm.maxbytecodesize}, which the backend raises to
 * {@value #BYTECODE_BYTES} bytes when it is not set), so the groups are sized from those bounds.
 *
 * <p>A Llama layer runs RMSNorm (writing its output straight in the form the Q/K/V weights
 * multiply: F32, F16-rounded or Q8_0 blocks), the stacked Q/K/V product, RoPE with the KV-cache
 * write, attention (writing its output in the form of the output projection's input), the output
 * projection added to the residual, RMSNorm, gate/up with SiLU, the conversion of that for the
 * down projection, and the down projection added to the residual: 9 kernels per layer with
 * quantized weights, 8 with F32 weights (K-quants add a Q8_K rounding after each norm and after
 * the attention). Other layouts take other steps from the model's {@link BlockLayout}
 * ({@link #addLayer}). The logits graph normalises the chunk's last token and multiplies it by
 * the output matrix.
 *
 * <p>Work-groups are {@link DeviceKernels#LANES} wide: one per output row for the products, one per
 * token (or per token and head for attention) for the rest; those per token are resized to each
 * pass's token count.
 */
final class ForwardPlan implements AutoCloseable {
    /**
     * Most layers in one task graph. TornadoVM writes a graph's tasks into a fixed 8 KB buffer,
     * 15 bytes per task and 5 per argument: about 750 bytes for a layer's 10 tasks at most, so 8
     * layers leave a margin (and 80 tasks stay far inside its 256).
     */
    static final int MAX_LAYERS_PER_GRAPH = 8;
    /** TornadoVM's property bounding a graph's bytecode, and the size the backend asks for. */
    static final String BYTECODE_PROPERTY = "tornado.tvm.maxbytecodesize";
    static final int BYTECODE_BYTES = 65536;
    /** Bytecode a layer's tasks and transfers take, with a margin (about 1.4 KB measured from the encoding). */
    private static final int BYTECODE_PER_LAYER = 2048;

    private final ModelConfig c;
    private final int layers;
    private final int poolPages;

    // Inputs of a pass, uploaded by the layers graph at every execution.
    private final FloatArray x;
    private final IntArray meta;
    private final FloatArray rope;
    private final IntArray pages;
    // Intermediate activations: allocated on the device once, never copied back.
    private final FloatArray xb;
    private final FloatArray qkv;
    private final FloatArray attention;
    private final FloatArray hidden;
    /** The attention's output projection, kept apart until it joins the residual with the MLP's (parallel blocks). */
    private final FloatArray projected;
    /** GELU's F16 table (GELU feed-forwards; otherwise one unused element, what products without it pass). */
    private final FloatArray geluTable;
    // A product's input in the form its weights take: F16-rounded values, or Q8_0 quants and scales.
    private final FloatArray rounded;
    private final IntArray quants;
    private final FloatArray scales;
    // The logits graph's own buffers.
    private final IntArray oneToken;
    private final FloatArray last;
    private final FloatArray logits;

    private final GridScheduler grids = new GridScheduler();
    private final List<ChunkGrid> chunkGrids = new ArrayList<>();
    /** Layer graphs: graph {@code g} holds layers {@code [g·perGraph, (g+1)·perGraph)}; the logits graph follows. */
    private final int layerGraphs;
    private final TornadoExecutionPlan plan;
    private final KernelProfile profile = new KernelProfile();
    private boolean profiling;

    /**
     * @param host where the KV cache pool's host copy is allocated (the weights' already are)
     */
    ForwardPlan(ModelConfig config, DeviceWeights weights, int poolPages, HostArrays host, boolean openCl) {
        this.c = config;
        this.layers = config.layers();
        this.poolPages = poolPages;
        int dim = c.dim();
        int qDim = c.heads() * c.headDim();
        int kvDim = c.kvDim();
        int qkvDim = qDim + 2 * kvDim;

        x = new FloatArray(CHUNK * dim);
        meta = new IntArray(3);
        rope = new FloatArray(CHUNK * c.ropeDims());
        pages = new IntArray(poolPages);
        xb = new FloatArray(CHUNK * dim);
        qkv = new FloatArray(CHUNK * qkvDim);
        attention = new FloatArray(CHUNK * qDim);
        hidden = new FloatArray(CHUNK * c.ffnDim());
        projected = new FloatArray(c.block().parallel() ? CHUNK * dim : 1);
        geluTable = c.block().feedForward() == BlockLayout.FeedForward.GELU ? GeluTable.build(host) : new FloatArray(1);
        int widest = widest(c);
        rounded = new FloatArray(CHUNK * widest);
        quants = new IntArray(CHUNK * widest / 4);
        scales = new FloatArray(CHUNK * widest / 32);
        oneToken = IntArray.fromElements(1);
        last = new FloatArray(dim);
        logits = new FloatArray(c.vocabSize());

        int slots = poolPages * DeviceKernels.PAGE;
        List<FloatArray> keys = new ArrayList<>(layers);
        List<FloatArray> values = new ArrayList<>(layers);
        for (int l = 0; l < layers; l++) {
            keys.add(host.floats(slots * kvDim));
            values.add(host.floats(slots * kvDim));
        }

        KernelContext context = new KernelContext();
        int perGraph = layersPerGraph(layers);
        this.layerGraphs = (layers + perGraph - 1) / perGraph;
        List<ImmutableTaskGraph> graphs = new ArrayList<>(layerGraphs + 1);
        for (int g = 0; g < layerGraphs; g++) {
            TaskGraph graph = new TaskGraph(graphName(g));
            if (g == 0) {
                graph.transferToDevice(DataTransferMode.EVERY_EXECUTION, x, meta, rope, pages);
                graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, xb, qkv, attention, hidden, projected, rounded,
                        quants, scales, geluTable);
            } else {
                graph.consumeFromDevice(graphName(g - 1), x, meta, rope, pages, xb, qkv, attention, hidden, projected,
                        rounded, quants, scales, geluTable);
            }
            for (int l = g * perGraph; l < Math.min(layers, (g + 1) * perGraph); l++) {
                addLayer(graph, l, weights.layers().get(l), keys.get(l), values.get(l), context);
            }
            graph.persistOnDevice(x, meta, rope, pages, xb, qkv, attention, hidden, projected, rounded, quants, scales,
                    geluTable);
            graphs.add(graph.snapshot());
        }
        graphs.add(logitsGraph(weights, context).snapshot());

        TornadoExecutionPlan p = new TornadoExecutionPlan(graphs.toArray(new ImmutableTaskGraph[0]));
        p.withGridScheduler(grids);
        if (openCl) {
            // Instead of TornadoVM's default -cl-fast-relaxed-math: IEEE division and square root,
            // no reassociation. The activation conversions repeat ggml's float operations (amax/127,
            // rounding at half steps) and must round exactly as the CPU does.
            p.withCompilerFlags(TornadoVMBackendType.OPENCL, OPENCL_FLAGS);
        }
        this.plan = p;
    }

    /** The OpenCL compiler's flags for every kernel (see the constructor). */
    static final String OPENCL_FLAGS = "-cl-fp32-correctly-rounded-divide-sqrt -w";

    private static String graphName(int g) {
        return "layers" + g;
    }

    /** System property: fewer layers per task graph than the backend would put (1 gives a graph per layer). */
    static final String LAYERS_PER_GRAPH_PROPERTY = "replique.tornadovm.layers-per-graph";

    /**
     * Layers per graph: as many as TornadoVM's bytecode buffer holds (its size as TornadoVM read it
     * when it started, which may predate the backend's request), at most
     * {@link #MAX_LAYERS_PER_GRAPH} or {@code -Dreplique.tornadovm.layers-per-graph}, balanced so
     * that the graphs have about as many layers each.
     */
    static int layersPerGraph(int layers) {
        int bytecode = Integer.getInteger(BYTECODE_PROPERTY, 4096);
        try {
            bytecode = Class.forName("uk.ac.manchester.tornado.runtime.graph.TornadoVMBytecodeBuilder")
                    .getField("MAX_TORNADO_VM_BYTECODE_SIZE").getInt(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // TornadoVM's internals moved: trust the property.
        }
        int most = Math.max(1, Integer.getInteger(LAYERS_PER_GRAPH_PROPERTY, MAX_LAYERS_PER_GRAPH));
        int fit = Math.max(1, Math.min(Math.min(most, MAX_LAYERS_PER_GRAPH), (bytecode - 1024) / BYTECODE_PER_LAYER));
        int graphs = (layers + fit - 1) / fit;
        return (layers + graphs - 1) / graphs;
    }

    private static int widest(ModelConfig c) {
        return Math.max(Math.max(c.dim(), c.heads() * c.headDim()), c.ffnDim());
    }

    /**
     * The tasks of layer {@code l}, named after their step with the layer's index ({@code qkv7}),
     * in the order the model's {@link BlockLayout} gives: attention then feed-forward, each added
     * to the residual stream; or, in a parallel block, the MLP first (it reads the attention norm's
     * output, which the attention's own work then overwrites), then the attention, whose output
     * projection joins the MLP's into the residual.
     */
    private void addLayer(TaskGraph g, int l, DeviceWeights.Layer w, FloatArray k, FloatArray v, KernelContext context) {
        g.transferToDevice(DataTransferMode.FIRST_EXECUTION, w.norms().toArray());
        g.transferToDevice(DataTransferMode.FIRST_EXECUTION, k, v);
        upload(g, w.qkv());
        upload(g, w.wo());
        upload(g, w.up());
        upload(g, w.down());

        if (c.block().parallel()) {
            norm(g, "attnNorm" + l, context, w.attentionNorm(), w.attentionNormBias(), xb, 0, w.up().inputForm());
            up(g, l, w, context);
            if (w.attentionNorm2() != null) {
                norm(g, "attnNorm2" + l, context, w.attentionNorm2(), w.attentionNorm2Bias(), xb, 0,
                        w.qkv().inputForm());
            } else if (w.qkv().inputForm() != w.up().inputForm()) {
                norm(g, "qkvInput" + l, context, w.attentionNorm(), w.attentionNormBias(), xb, 0, w.qkv().inputForm());
            }
            attention(g, l, w, k, v, context, DeviceKernels.STORE, projected);
            down(g, l, w, context, DeviceKernels.JOIN, projected);
        } else {
            norm(g, "attnNorm" + l, context, w.attentionNorm(), w.attentionNormBias(), xb, 0, w.qkv().inputForm());
            attention(g, l, w, k, v, context, DeviceKernels.ADD, x);
            norm(g, "ffnNorm" + l, context, w.ffnNorm(), null, xb, 0, w.up().inputForm());
            up(g, l, w, context);
            down(g, l, w, context, DeviceKernels.ADD, geluTable);
        }
    }

    /**
     * The layout's norm of {@code x} into {@code out} in {@code form}: RMSNorm, or LayerNorm with
     * {@code bias}; of every token of the chunk, or ({@code lastOnly = 1}) of its last into row 0.
     */
    private void norm(TaskGraph g, String name, KernelContext context, FloatArray weight, FloatArray bias,
                      FloatArray out, int lastOnly, int form) {
        // Q8_K blocks of 256: the norm writes F32 and a conversion follows.
        int written = form == AS_Q8K ? AS_F32 : form;
        if (c.block().norm() == BlockLayout.Norm.RMS) {
            g.task(name, DeviceKernels::rmsNorm, context, meta, x, weight, out, quants, scales, c.dim(), c.normEps(),
                    lastOnly, written);
        } else {
            g.task(name, DeviceKernels::layerNorm, context, meta, x, weight, bias, out, quants, scales, c.dim(),
                    c.normEps(), lastOnly, written);
        }
        if (lastOnly == 1) {
            schedule(g, name, 1);
        } else {
            perToken(g, name, 1);
        }
        if (form == AS_Q8K) {
            convert(g, name + "Q8K", context, lastOnly == 1 ? oneToken : meta, out, c.dim(), form);
        }
    }


    /**
     * Q/K/V from the normalized input, RoPE with the cache write, attention, and the output
     * projection, whose result {@code outputEpilogue} puts into {@code outputTo}.
     */
    private void attention(TaskGraph g, int l, DeviceWeights.Layer w, FloatArray k, FloatArray v,
                           KernelContext context, int outputEpilogue, FloatArray outputTo) {
        int heads = c.heads();
        int headDim = c.headDim();
        float scale = 1.0f / (float) Math.sqrt(headDim);
        product(g, "qkv" + l, DeviceKernels.STORE, context, meta, xb, qkv, w.qkv(),
                w.qkv().rows, geluTable);
        int halves = c.block().rope() == BlockLayout.Rope.HALVES ? 1 : 0;
        g.task("rope" + l, DeviceKernels::ropeAndStore, context, meta, pages, qkv, rope, k, v, heads, c.kvHeads(),
                headDim, c.ropeDims(), poolPages, halves);
        perToken(g, "rope" + l, 1);
        // Attention quantizes its own head's output when a head is whole Q8_0 blocks; otherwise
        // (and for Q8_K's blocks of 256, which span heads) a conversion follows it.
        int woForm = w.wo().inputForm();
        int attentionForm = woForm == AS_Q8 && headDim % 32 != 0 || woForm == AS_Q8K ? AS_F32 : woForm;
        g.task("attention" + l, DeviceKernels::attention, context, meta, pages, qkv, k, v, attention, quants, scales,
                heads, c.kvHeads(), headDim, c.slidingWindow(), scale, poolPages, attentionForm);
        perToken(g, "attention" + l, heads);
        if (attentionForm != woForm) {
            convert(g, "woInput" + l, context, meta, attention, heads * headDim, woForm);
        }
        product(g, "wo" + l, outputEpilogue, context, meta, attention, outputTo, w.wo(),
                w.wo().rows, geluTable);
    }

    /** The feed-forward's first product with its activation: {@code silu(gate)·up}, or {@code gelu(up)}, into {@link #hidden}. */
    private void up(TaskGraph g, int l, DeviceWeights.Layer w, KernelContext context) {
        int epilogue = c.block().feedForward() == BlockLayout.FeedForward.GELU ? DeviceKernels.GELU
                : DeviceKernels.SWIGLU;
        product(g, (epilogue == DeviceKernels.GELU ? "upGelu" : "gateUp") + l, epilogue, context, meta,
                xb, hidden, w.up(), c.ffnDim(), geluTable, l == layers - 1);
    }

    /** {@link #hidden} converted for the down projection, then the down projection into the residual. */
    private void down(TaskGraph g, int l, DeviceWeights.Layer w, KernelContext context, int epilogue, FloatArray extra) {
        FloatArray downInput = hidden;
        if (w.down().inputForm() != AS_F32) {
            convert(g, "downInput" + l, context, meta, hidden, c.ffnDim(), w.down().inputForm());
            downInput = rounded;
        }
        product(g, "down" + l, epilogue, context, meta, downInput, x, w.down(), w.down().rows, extra,
                l == layers - 1);
    }

    private TaskGraph logitsGraph(DeviceWeights w, KernelContext context) {
        TaskGraph g = new TaskGraph("logits");
        g.consumeFromDevice(graphName(layerGraphs - 1), x, meta, quants, scales);
        g.transferToDevice(DataTransferMode.FIRST_EXECUTION, w.outputNorm(), oneToken, last);
        if (w.outputNormBias() != null) {
            g.transferToDevice(DataTransferMode.FIRST_EXECUTION, w.outputNormBias());
        }
        upload(g, w.output());
        norm(g, "norm", context, w.outputNorm(), w.outputNormBias(), last, 1, w.output().inputForm());
        // x is not read by the output product: it stands for the unused extra argument.
        product(g, "output", DeviceKernels.STORE, context, oneToken, last, logits,
                w.output(), w.output().rows, x);
        g.transferToHost(DataTransferMode.EVERY_EXECUTION, logits);
        return g;
    }

    private static void upload(TaskGraph g, DeviceMatrix m) {
        g.transferToDevice(DataTransferMode.FIRST_EXECUTION, m.floats, m.quants, m.halves);
    }

    /**
     * Adds {@code name}: {@code in} ({@code cols} per token, as many tokens as {@code count} says)
     * converted to {@code form}, into {@link #rounded} or the quants.
     */
    private void convert(TaskGraph g, String name, KernelContext context, IntArray count, FloatArray in, int cols,
                         int form) {
        g.task(name, DeviceKernels::convert, context, count, in, rounded, quants, scales, cols, form);
        if (count == meta) {
            perToken(g, name, 1);
        } else {
            schedule(g, name, 1);
        }
    }

    /**
     * Adds the product {@code name} of {@code m} with the input {@code in} (or, for quantized
     * weights, the Q8_0 blocks the previous task wrote), with {@code epilogue} and its
     * {@code extra} array (an array the task does not otherwise take when the epilogue reads none).
     */
    private void product(TaskGraph g, String name, int epilogue, KernelContext context, IntArray count,
                         FloatArray in, FloatArray out, DeviceMatrix m, int rows, FloatArray extra) {
        product(g, name, epilogue, context, count, in, out, m, rows, extra, count == oneToken);
    }

    /**
     * {@code gemv}: ggml multiplies these tokens one at a time (the logits, and the last layer's
     * feed-forward, which llama.cpp runs for the last token alone), which its interleaved Q4_K
     * kernels sum in another order than a prompt's tokens.
     */
    private void product(TaskGraph g, String name, int epilogue, KernelContext context, IntArray count,
                         FloatArray in, FloatArray out, DeviceMatrix m, int rows, FloatArray extra, boolean gemv) {
        schedule(g, name, rows);
        if (m.format == DeviceMatrix.K8) {
            g.task(name, DeviceKernels::kQuantProduct, context, count, quants, scales, out, m.floats, m.quants, rows,
                    m.cols, epilogue, extra, gemv ? 1 : 0);
            return;
        }
        g.task(name, DeviceKernels::product, context, count, in, quants, scales, out, m.floats, m.quants, m.halves,
                m.format, rows, m.cols, epilogue, extra);
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

    private record ChunkGrid(WorkerGrid grid, int groupsPerToken) {}

    /** Bytes of the activation buffers a plan for {@code c} allocates on the device, the KV pool aside. */
    static long activationBytes(ModelConfig c) {
        long qDim = (long) c.heads() * c.headDim();
        long widest = widest(c);
        long perToken = 2L * c.dim() + c.ropeDims() + qDim + 2L * c.kvDim() + qDim + c.ffnDim() + widest + widest / 4
                + widest / 32 + (c.block().parallel() ? c.dim() : 0);
        long table = c.block().feedForward() == BlockLayout.FeedForward.GELU ? GeluTable.ENTRIES : 0;
        return 4L * (CHUNK * perToken + c.dim() + c.vocabSize() + table);
    }

    /**
     * Runs the layers over {@code count} tokens at positions {@code start…}, whose embeddings are in
     * {@code embeddings} (row-major) and whose cache pages are {@code table}. {@code batch}: they are
     * part of several tokens evaluated together (a prompt, maybe in chunks), which ggml's attention
     * sums in another order than a single token.
     */
    void layers(float[] embeddings, int count, int start, boolean batch, float[] angles, int[] table,
                Runnable betweenGraphs) {
        MemorySegment.copy(embeddings, 0, x.getSegment(), ValueLayout.JAVA_FLOAT, 0, count * c.dim());
        MemorySegment.copy(angles, 0, rope.getSegment(), ValueLayout.JAVA_FLOAT, 0, count * c.ropeDims());
        MemorySegment.copy(table, 0, pages.getSegment(), ValueLayout.JAVA_INT, 0, table.length);
        meta.set(COUNT, count);
        meta.set(START, start);
        meta.set(BATCH, batch ? 1 : 0);
        for (ChunkGrid g : chunkGrids) {
            g.grid().setGlobalWork((long) count * g.groupsPerToken() * LANES, 1, 1);
        }
        for (int g = 0; g < layerGraphs; g++) {
            if (g > 0) betweenGraphs.run();
            run(g);
        }
    }

    /** The logits after the last token of the pass that just ran. */
    float[] logits() {
        run(layerGraphs);
        return logits.toHeapArray();
    }

    private void run(int graph) {
        TornadoExecutionResult result = plan.withGraph(graph).execute();
        if (profiling) {
            profile.add(graph, result.getProfilerResult().getProfileLog());
        }
    }

    /** Compiles every kernel and uploads the weights, with an empty pass. */
    void warmUp() {
        meta.set(COUNT, 0);
        meta.set(START, 0);
        meta.set(BATCH, 0);
        for (int g = 0; g <= layerGraphs; g++) {
            run(g);
        }
    }

    /** Task graphs a pass executes: the layer graphs, then the logits. */
    int graphs() {
        return layerGraphs + 1;
    }

    /** Starts recording TornadoVM's per-task times (its profiler), forgetting earlier ones. */
    void startProfiling() {
        profile.reset();
        plan.withProfiler(ProfilerMode.SILENT);
        profiling = true;
    }

    /** Stops recording and returns what the passes since {@link #startProfiling} spent. */
    KernelProfile stopProfiling() {
        plan.withoutProfiler();
        profiling = false;
        return profile;
    }

    @Override
    public void close() {
        plan.freeDeviceMemory();
    }
}
