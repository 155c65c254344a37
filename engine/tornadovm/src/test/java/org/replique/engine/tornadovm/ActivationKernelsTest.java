package org.replique.engine.tornadovm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.replique.engine.kernel.GgmlMath;
import org.replique.engine.kernel.PreparedInput;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.WorkerGrid;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.enums.TornadoVMBackendType;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The device converts activations for F16 and Q8_0/Q4_0 weights bit for bit as the CPU's
 * {@link PreparedInput} does (ggml's conversions): F16 rounding, and Q8_0 blocks with their
 * F16-rounded scales, over values from 1e-5 to 1e3 so that F16 subnormals and every binade occur.
 * RMSNorm writes the same forms itself: its F32 output is ggml's to the bit (the sum of squares in
 * double), and its Q8_0 blocks and F16 values are exactly the conversion of that output.
 */
class ActivationKernelsTest {
    private static final int TOKENS = 4;
    /** More blocks per token (129) than a work-group has work-items. */
    private static final int COLS = 4128;

    private static float[] values(long seed) {
        float[] values = new float[TOKENS * COLS];
        Random r = new Random(seed);
        for (int i = 0; i < values.length; i++) values[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(9) - 5));
        return values;
    }

    private static WorkerGrid perToken() {
        WorkerGrid grid = new WorkerGrid1D(TOKENS * DeviceKernels.LANES);
        grid.setLocalWork(DeviceKernels.LANES, 1, 1);
        return grid;
    }

    /** The quants of {@code packed} (four per int, first in the low byte) as bytes. */
    private static byte[] unpack(IntArray packed) {
        byte[] out = new byte[packed.getSize() * 4];
        for (int i = 0; i < packed.getSize(); i++) {
            for (int b = 0; b < 4; b++) out[4 * i + b] = (byte) (packed.get(i) >> (8 * b));
        }
        return out;
    }

    @Test
    void conversionsMatchTheCpuBitForBit() throws Exception {
        float[] values = values(3);
        FloatArray x = FloatArray.fromArray(values);
        IntArray meta = IntArray.fromElements(TOKENS, 0);
        IntArray q = new IntArray(TOKENS * COLS / 4);
        FloatArray s = new FloatArray(TOKENS * COLS / 32);
        FloatArray h = new FloatArray(TOKENS * COLS);
        KernelContext context = new KernelContext();
        TaskGraph g = new TaskGraph("t")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, x, meta)
                .task("q", DeviceKernels::convert, context, meta, x, h, q, s, COLS, DeviceKernels.AS_Q8)
                .task("h", DeviceKernels::convert, context, meta, x, h, q, s, COLS, DeviceKernels.AS_F16)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, q, s, h);
        GridScheduler grids = new GridScheduler();
        grids.addWorkerGrid("t.q", perToken());
        grids.addWorkerGrid("t.h", perToken());
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot())) {
            plan.withGridScheduler(grids).withCompilerFlags(TornadoVMBackendType.OPENCL, ForwardPlan.OPENCL_FLAGS).execute();
        }
        PreparedInput q8 = PreparedInput.of(PreparedInput.Format.Q8_0, values, TOKENS, COLS);
        PreparedInput f16 = PreparedInput.of(PreparedInput.Format.F16, values, TOKENS, COLS);
        byte[] quants = unpack(q);
        for (int i = 0; i < values.length; i++) {
            assertThat(quants[i]).as("quant %d of %s", i, values[i]).isEqualTo(q8.quants()[i]);
            assertThat(h.get(i)).as("F16 rounding of %s", values[i]).isEqualTo(f16.values()[i]);
        }
        for (int b = 0; b < values.length / 32; b++) {
            assertThat(s.get(b)).as("scale of block %d", b).isEqualTo(q8.scales()[b]);
        }
    }

    @Test
    void rmsNormIsGgmlsAndWritesEachFormAsTheConversionOfItsOwnOutput() throws Exception {
        float[] values = values(4);
        float[] weightValues = new float[COLS];
        Random r = new Random(9);
        for (int i = 0; i < COLS; i++) weightValues[i] = 0.5f + r.nextFloat();
        float eps = 1e-5f;
        FloatArray x = FloatArray.fromArray(values);
        FloatArray weight = FloatArray.fromArray(weightValues);
        IntArray meta = IntArray.fromElements(TOKENS, 0);
        FloatArray f32 = new FloatArray(TOKENS * COLS);
        FloatArray f16 = new FloatArray(TOKENS * COLS);
        IntArray q = new IntArray(TOKENS * COLS / 4);
        FloatArray s = new FloatArray(TOKENS * COLS / 32);
        KernelContext c = new KernelContext();
        TaskGraph g = new TaskGraph("n")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, x, weight, meta)
                .task("f32", DeviceKernels::rmsNorm, c, meta, x, weight, f32, q, s, COLS, eps, 0, DeviceKernels.AS_F32)
                .task("f16", DeviceKernels::rmsNorm, c, meta, x, weight, f16, q, s, COLS, eps, 0, DeviceKernels.AS_F16)
                .task("q8", DeviceKernels::rmsNorm, c, meta, x, weight, f32, q, s, COLS, eps, 0, DeviceKernels.AS_Q8)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, f32, f16, q, s);
        GridScheduler grids = new GridScheduler();
        for (String task : new String[] {"f32", "f16", "q8"}) grids.addWorkerGrid("n." + task, perToken());
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot())) {
            plan.withGridScheduler(grids).withCompilerFlags(TornadoVMBackendType.OPENCL, ForwardPlan.OPENCL_FLAGS).execute();
        }
        float[] normalized = f32.toHeapArray();
        for (int t = 0; t < TOKENS; t++) {
            // ggml's rms_norm: float squares summed in double, the mean and 1/sqrt in float, (x·scale)·weight.
            double squares = 0;
            for (int i = 0; i < COLS; i++) {
                float v = values[t * COLS + i];
                squares += v * v;
            }
            float mean = (float) (squares / COLS);
            float scale = 1.0f / (float) Math.sqrt(mean + eps);
            for (int i = 0; i < COLS; i++) {
                float expected = (values[t * COLS + i] * scale) * weightValues[i];
                assertThat(normalized[t * COLS + i]).as("token %d value %d", t, i).isEqualTo(expected);
            }
        }
        PreparedInput q8 = PreparedInput.of(PreparedInput.Format.Q8_0, normalized, TOKENS, COLS);
        PreparedInput half = PreparedInput.of(PreparedInput.Format.F16, normalized, TOKENS, COLS);
        byte[] quants = unpack(q);
        for (int i = 0; i < normalized.length; i++) {
            assertThat(quants[i]).as("quant %d", i).isEqualTo(q8.quants()[i]);
            assertThat(f16.get(i)).as("F16 value %d", i).isEqualTo(half.values()[i]);
        }
        for (int b = 0; b < normalized.length / 32; b++) {
            assertThat(s.get(b)).as("scale of block %d", b).isEqualTo(q8.scales()[b]);
        }
    }

    /** Test kernel: {@link DeviceKernels#ggmlExp} of each input. */
    private static void exponentials(KernelContext context, FloatArray in, FloatArray out) {
        int i = context.globalIdx;
        out.set(i, DeviceKernels.ggmlExp(in.get(i)));
    }

    /**
     * The device's exponential is ggml's vectorized {@code expf} (the CPU backend's
     * {@link GgmlMath#exp}) to the bit, over softmax's and SiLU's arguments: down to where it
     * underflows and up to where it overflows, including the ranges where ggml scales in two steps.
     */
    @Test
    void exponentialIsGgmlsToTheBit() throws Exception {
        int n = 1 << 16;
        float[] inputs = new float[n];
        Random r = new Random(5);
        for (int i = 0; i < n; i++) {
            inputs[i] = switch (i % 4) {
                case 0 -> (float) (r.nextDouble() * 40 - 30);
                case 1 -> -r.nextFloat() * 4;
                case 2 -> (float) (r.nextDouble() * 240 - 120);
                default -> (float) (r.nextGaussian() * 1e-3);
            };
        }
        inputs[0] = 0f;
        inputs[1] = -0f;
        FloatArray in = FloatArray.fromArray(inputs);
        FloatArray out = new FloatArray(n);
        KernelContext c = new KernelContext();
        TaskGraph g = new TaskGraph("e")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, in)
                .task("exp", ActivationKernelsTest::exponentials, c, in, out)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out);
        WorkerGrid grid = new WorkerGrid1D(n);
        grid.setLocalWork(DeviceKernels.LANES, 1, 1);
        GridScheduler grids = new GridScheduler();
        grids.addWorkerGrid("e.exp", grid);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot())) {
            plan.withGridScheduler(grids).withCompilerFlags(TornadoVMBackendType.OPENCL, ForwardPlan.OPENCL_FLAGS).execute();
        }
        for (int i = 0; i < n; i++) {
            float expected = GgmlMath.exp(inputs[i]);
            if (Float.floatToRawIntBits(out.get(i)) != Float.floatToRawIntBits(expected)) {
                assertThat(out.get(i)).as("e^%s", inputs[i]).isEqualTo(expected);
            }
        }
    }
}
