package org.replique.engine.tornadovm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.replique.engine.gguf.GgmlType;
import org.replique.engine.kernel.PreparedInput;
import org.replique.engine.kernel.ScalarKernels;
import org.replique.engine.tensor.Blocks;
import org.replique.engine.tensor.WeightMatrix;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.WorkerGrid;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * One matrix product on the device against the CPU's scalar reference kernels, in every weight
 * format, with the activations converted on the device as the format requires: within 1e-5
 * relative, plus 4e-6 of the sum of the terms' magnitudes for long rows where terms cancel (only
 * the order of the float sums differs). BF16 weights are widened to F32 at upload
 * and so multiply F32 activations. Rows of more quantized blocks than a work-group has work-items
 * (4128 columns: 129 blocks) check that each work-item's strided share is counted once.
 */
class MatmulKernelTest {

    @ParameterizedTest
    @CsvSource({"F32,96", "F32,172", "F16,96", "F16,172", "Q8_0,96", "Q4_0,96", "BF16,64", "Q8_0,4128", "Q4_0,4128",
            "F32,4128"})
    void productMatchesTheScalarKernels(GgmlType type, int cols) throws Exception {
        int rows = 40, tokens = 5;
        WeightMatrix w = random(type, rows, cols, 11);
        float[] x = new float[tokens * cols];
        Random r = new Random(5);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian() * (r.nextInt(50) == 0 ? 20f : 1f);
        float[] expected = new float[tokens * rows];
        WeightMatrix reference = type == GgmlType.BF16 ? widened(w) : w;
        new ScalarKernels().matmul(reference,
                PreparedInput.of(PreparedInput.Format.forWeights(reference.type()), x, tokens, cols), expected);

        HostArrays host = new HostArrays();
        DeviceMatrix m = DeviceMatrix.stack(host, w);
        assertThat(DeviceMatrix.formatName(m.format)).isEqualTo(type == GgmlType.BF16 ? "F32" : type.name());
        FloatArray in = FloatArray.fromArray(x);
        FloatArray converted = new FloatArray(x.length);
        IntArray quants = new IntArray(x.length / 4);
        FloatArray scales = new FloatArray(x.length / 32);
        FloatArray out = new FloatArray(tokens * rows);
        IntArray meta = IntArray.fromElements(tokens, 0);
        KernelContext c = new KernelContext();
        TaskGraph g = new TaskGraph("m").transferToDevice(DataTransferMode.EVERY_EXECUTION, in, meta, m.floats, m.quants,
                m.halves);
        g.task("convert", DeviceKernels::convert, c, meta, in, converted, quants, scales, cols, m.inputForm());
        g.task("product", DeviceKernels::product, c, meta, m.format == DeviceMatrix.F16 ? converted : in, quants, scales,
                out, m.floats, m.quants, m.halves, m.format, rows, cols, DeviceKernels.STORE,
                m.format == DeviceMatrix.F16 ? in : converted);
        g.transferToHost(DataTransferMode.EVERY_EXECUTION, out);
        GridScheduler grids = new GridScheduler();
        grids.addWorkerGrid("m.convert", grid(tokens));
        grids.addWorkerGrid("m.product", grid(rows));
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot())) {
            plan.withGridScheduler(grids).execute();
        } finally {
            host.release();
        }
        float[] row = new float[cols];
        for (int i = 0; i < expected.length; i++) {
            int t = i / rows;
            reference.dequantizeRow(i % rows, row, 0);
            double magnitude = 0;
            for (int j = 0; j < cols; j++) magnitude += Math.abs(row[j] * x[t * cols + j]);
            float tolerance = (float) (1e-5 * Math.max(1, Math.abs(expected[i])) + 4e-6 * magnitude);
            assertThat(out.get(i)).as("element %d", i).isCloseTo(expected[i], within(tolerance));
        }
    }

    private static WeightMatrix widened(WeightMatrix w) {
        MemorySegment data = Arena.ofAuto().allocate(4L * w.rows() * w.cols(), 4);
        float[] row = new float[w.cols()];
        for (int r = 0; r < w.rows(); r++) {
            w.dequantizeRow(r, row, 0);
            for (int c = 0; c < row.length; c++) data.set(Blocks.F32_LAYOUT, 4L * (r * w.cols() + c), row[c]);
        }
        return new WeightMatrix(w.name(), GgmlType.F32, w.rows(), w.cols(), data);
    }

    private static WorkerGrid grid(int groups) {
        WorkerGrid g = new WorkerGrid1D(groups * DeviceKernels.LANES);
        g.setLocalWork(DeviceKernels.LANES, 1, 1);
        return g;
    }

    private static WeightMatrix random(GgmlType type, int rows, int cols, long seed) {
        Random r = new Random(seed);
        long n = (long) rows * cols;
        MemorySegment data = Arena.ofAuto().allocate(type.bytesFor(n), 1);
        switch (type) {
            case F32 -> { for (long i = 0; i < n; i++) data.set(Blocks.F32_LAYOUT, 4 * i, (float) r.nextGaussian() * 0.05f); }
            case F16 -> { for (long i = 0; i < n; i++) data.set(Blocks.F16_LAYOUT, 2 * i, Float.floatToFloat16((float) r.nextGaussian() * 0.05f)); }
            case BF16 -> { for (long i = 0; i < n; i++) data.set(Blocks.F16_LAYOUT, 2 * i, Blocks.floatToBf16((float) r.nextGaussian() * 0.05f)); }
            case Q8_0 -> {
                for (long b = 0; b < n / 32; b++) {
                    data.set(Blocks.F16_LAYOUT, 34 * b, Float.floatToFloat16((r.nextBoolean() ? 1 : -1) * (float) Math.pow(10, -4 + 3 * r.nextDouble())));
                    for (int j = 0; j < 32; j++) data.set(ValueLayout.JAVA_BYTE, 34 * b + 2 + j, (byte) (r.nextInt(256) - 128));
                }
            }
            case Q4_0 -> {
                for (long b = 0; b < n / 32; b++) {
                    data.set(Blocks.F16_LAYOUT, 18 * b, Float.floatToFloat16((r.nextBoolean() ? 1 : -1) * (float) Math.pow(10, -4 + 3 * r.nextDouble())));
                    for (int j = 0; j < 16; j++) data.set(ValueLayout.JAVA_BYTE, 18 * b + 2 + j, (byte) r.nextInt(256));
                }
            }
        }
        return new WeightMatrix("random-" + type, type, rows, cols, data);
    }
}
