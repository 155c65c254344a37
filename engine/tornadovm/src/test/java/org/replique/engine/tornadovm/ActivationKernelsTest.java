package org.replique.engine.tornadovm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.replique.engine.kernel.PreparedInput;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.WorkerGrid;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The device converts activations for F16 and Q8_0/Q4_0 weights bit for bit as the CPU's
 * {@link PreparedInput} does (ggml's conversions): F16 rounding, and Q8_0 blocks with their
 * F16-rounded scales, over values from 1e-5 to 1e3 so that F16 subnormals and every binade occur.
 */
class ActivationKernelsTest {

    @Test
    void conversionsMatchTheCpuBitForBit() throws Exception {
        int tokens = 4, cols = 256;
        float[] values = new float[tokens * cols];
        Random r = new Random(3);
        for (int i = 0; i < values.length; i++) values[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(9) - 5));
        FloatArray x = FloatArray.fromArray(values);
        IntArray meta = IntArray.fromElements(tokens, 0);
        ByteArray q = new ByteArray(tokens * cols);
        FloatArray s = new FloatArray(tokens * cols / 32);
        FloatArray h = new FloatArray(tokens * cols);
        KernelContext context = new KernelContext();
        TaskGraph g = new TaskGraph("t")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, x, meta)
                .task("q", DeviceKernels::quantizeActivations, context, meta, x, q, s, cols)
                .task("h", DeviceKernels::roundActivations, context, meta, x, h, cols)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, q, s, h);
        WorkerGrid grid = new WorkerGrid1D(tokens * DeviceKernels.LANES);
        grid.setLocalWork(DeviceKernels.LANES, 1, 1);
        GridScheduler grids = new GridScheduler();
        grids.addWorkerGrid("t.q", grid);
        grids.addWorkerGrid("t.h", grid);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot())) {
            plan.withGridScheduler(grids).execute();
        }
        PreparedInput q8 = PreparedInput.of(PreparedInput.Format.Q8_0, values, tokens, cols);
        PreparedInput f16 = PreparedInput.of(PreparedInput.Format.F16, values, tokens, cols);
        for (int i = 0; i < values.length; i++) {
            assertThat(q.get(i)).as("quant %d of %s", i, values[i]).isEqualTo(q8.quants()[i]);
            assertThat(h.get(i)).as("F16 rounding of %s", values[i]).isEqualTo(f16.values()[i]);
        }
        for (int b = 0; b < values.length / 32; b++) {
            assertThat(s.get(b)).as("scale of block %d", b).isEqualTo(q8.scales()[b]);
        }
    }
}
