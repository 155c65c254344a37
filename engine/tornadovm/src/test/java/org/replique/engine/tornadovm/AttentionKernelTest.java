package org.replique.engine.tornadovm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.replique.engine.kernel.ScalarKernels;
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
 * The device's attention is ggml's with an F32 cache, as the CPU backend's scalar kernels spell
 * it out ({@code GgmlAttention}): for every query of a chunk at positions past a cache that spans
 * several pages and tiles, with grouped heads, the output equals the CPU's to the bit, for a
 * decoded token's order (32 chains over positions) and a prompt's (8 chains).
 */
class AttentionKernelTest {
    private static final int HEADS = 8;
    private static final int KV_HEADS = 2;
    private static final int TOKENS = 3;

    @ParameterizedTest(name = "head size {0}, {1} cached positions, batch {2}")
    @CsvSource({"32, 0, 0", "32, 300, 0", "32, 300, 1", "128, 45, 1", "128, 131, 0", "40, 70, 1"})
    void outputIsTheCpusToTheBit(int headDim, int cached, int batch) throws Exception {
        int qDim = HEADS * headDim;
        int kvDim = KV_HEADS * headDim;
        int row = qDim + 2 * kvDim;
        int positions = cached + TOKENS;
        int pagesNeeded = (positions + DeviceKernels.PAGE - 1) / DeviceKernels.PAGE;
        int[] table = new int[pagesNeeded];
        for (int p = 0; p < pagesNeeded; p++) table[p] = pagesNeeded - 1 - p; // pages out of order
        int slots = pagesNeeded * DeviceKernels.PAGE;
        Random r = new Random(headDim * 1000L + cached);
        float[] q = new float[TOKENS * row];
        for (int i = 0; i < q.length; i++) q[i] = (float) r.nextGaussian() * 2;
        // The cache by position (CPU) and by the page table's slots (device).
        float[] keysByPosition = new float[positions * kvDim];
        float[] valuesByPosition = new float[positions * kvDim];
        for (int i = 0; i < keysByPosition.length; i++) {
            keysByPosition[i] = (float) r.nextGaussian();
            valuesByPosition[i] = (float) r.nextGaussian();
        }
        FloatArray keys = new FloatArray(slots * kvDim);
        FloatArray values = new FloatArray(slots * kvDim);
        for (int p = 0; p < positions; p++) {
            int slot = table[p / DeviceKernels.PAGE] * DeviceKernels.PAGE + p % DeviceKernels.PAGE;
            for (int c = 0; c < kvDim; c++) {
                keys.set(slot * kvDim + c, keysByPosition[p * kvDim + c]);
                values.set(slot * kvDim + c, valuesByPosition[p * kvDim + c]);
            }
        }
        float scale = 1.0f / (float) Math.sqrt(headDim);
        FloatArray qkv = FloatArray.fromArray(q);
        IntArray meta = IntArray.fromElements(TOKENS, cached, batch);
        IntArray pages = IntArray.fromArray(table);
        FloatArray out = new FloatArray(TOKENS * qDim);
        IntArray xq = new IntArray(1);
        FloatArray xs = new FloatArray(1);
        KernelContext c = new KernelContext();
        TaskGraph g = new TaskGraph("a")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, meta, pages, qkv, keys, values)
                .task("attention", DeviceKernels::attention, c, meta, pages, qkv, keys, values, out, xq, xs, HEADS,
                        KV_HEADS, headDim, 0, scale, pagesNeeded, DeviceKernels.AS_F32)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out);
        WorkerGrid grid = new WorkerGrid1D(TOKENS * HEADS * DeviceKernels.LANES);
        grid.setLocalWork(DeviceKernels.LANES, 1, 1);
        GridScheduler grids = new GridScheduler();
        grids.addWorkerGrid("a.attention", grid);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot())) {
            plan.withGridScheduler(grids).withCompilerFlags(TornadoVMBackendType.OPENCL, ForwardPlan.OPENCL_FLAGS).execute();
        }

        ScalarKernels cpu = new ScalarKernels();
        float[] expected = new float[TOKENS * qDim];
        float[] scores = new float[positions];
        for (int t = 0; t < TOKENS; t++) {
            float[] query = new float[qDim];
            System.arraycopy(q, t * row, query, 0, qDim);
            for (int h = 0; h < HEADS; h++) {
                cpu.attention(query, h * headDim, keysByPosition, valuesByPosition, (h / (HEADS / KV_HEADS)) * headDim,
                        kvDim, positions, 0, cached + t + 1, headDim, scale, batch == 1, scores, expected,
                        t * qDim + h * headDim);
            }
        }

        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(out.get(i)) != Float.floatToRawIntBits(expected[i])) {
                assertThat(out.get(i)).as("token %d head %d element %d", i / qDim, i % qDim / headDim, i % headDim)
                        .isEqualTo(expected[i]);
            }
        }
    }
}
