package org.replique.engine.tornadovm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

/** F16 weights are decoded on the device by integer arithmetic, exactly, for every finite value. */
class HalfDecodeTest {
    static void decode(KernelContext c, ShortArray in, FloatArray out) {
        int i = c.globalIdx;
        out.set(i, DeviceKernels.half(in.get(i)));
    }

    @Test
    void everyFiniteHalfDecodesExactly() throws Exception {
        ShortArray in = new ShortArray(65536);
        for (int i = 0; i < 65536; i++) in.set(i, (short) i);
        FloatArray out = new FloatArray(65536);
        KernelContext c = new KernelContext();
        TaskGraph g = new TaskGraph("h").transferToDevice(DataTransferMode.EVERY_EXECUTION, in)
                .task("d", HalfDecodeTest::decode, c, in, out).transferToHost(DataTransferMode.EVERY_EXECUTION, out);
        WorkerGrid1D grid = new WorkerGrid1D(65536);
        grid.setLocalWork(256, 1, 1);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot())) {
            plan.withGridScheduler(new GridScheduler("h.d", grid)).execute();
        }
        for (int i = 0; i < 65536; i++) {
            if (((i >> 10) & 31) == 31) continue; // infinities and NaNs, which weights never hold
            assertThat(out.get(i)).as("bits %04x", i).isEqualTo(Float.float16ToFloat((short) i));
        }
    }
}
