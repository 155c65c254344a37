package org.replique.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.ThreadMXBean;
import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.replique.engine.gguf.GgmlType;
import org.replique.engine.tensor.WeightMatrix;

/**
 * Once the JIT has compiled them, the vector kernels allocate nothing per multiplication, however
 * little C2 learnt from the program's type profiles.
 *
 * <p>A Vector API operation becomes SIMD code only where C2 knows its vectors' exact classes;
 * elsewhere it stays a call and every vector it returns is allocated, which made decoding some
 * twenty times slower in some runs and not others, depending on which kernels had run first
 * ({@link ExactVectors}). With {@code -XX:TypeProfileWidth=0} C2 has no profile at all, so what
 * is luck in a normal run is certain here: this class only runs in the Surefire execution that
 * sets that flag, and is skipped elsewhere.
 *
 * <p>Each case multiplies until a window of calls allocates no more than the kernels' own small
 * per-call arrays, or fails after a bound far above what compilation takes.
 */
class CompiledKernelsAllocateNothingTest {
    private static final Kernels VECTOR = new VectorKernels();
    /** A few small arrays per call (row buffers, lane scratch); a boxed vector per operation is kilobytes. */
    private static final long ALLOWED_BYTES_PER_CALL = 1024;
    private static final int WINDOW = 50;
    private static final long GIVE_UP_AFTER_NANOS = 30_000_000_000L;

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (GgmlType type : GgmlType.values()) {
            for (int batch : new int[] {1, 16}) all.add(Arguments.of(type, batch));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}, batch {1}")
    @MethodSource("cases")
    void compiledKernelsAllocateNothingPerCall(GgmlType type, int batch) {
        assumeTrue(withoutTypeProfiles(), "runs where -XX:TypeProfileWidth=0 (its own Surefire execution)");
        int cols = type.blockSize() == 1 ? 512 : 2 * Math.max(256, type.blockSize());
        // The copy the backend multiplies: Q4_0 and Q4_K rows interleaved as the model loader leaves them.
        WeightMatrix file = RandomWeights.matrix(type, 64, cols, type.ordinal());
        WeightMatrix w = VECTOR.copy(file, Arena.ofAuto().allocate(file.data().byteSize(), 64));
        PreparedInput x = VECTOR.prepare(w, RandomWeights.activations(batch * cols, 5), batch);
        float[] out = new float[batch * w.rows()];

        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long deadline = System.nanoTime() + GIVE_UP_AFTER_NANOS;
        long perCall;
        do {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < WINDOW; i++) VECTOR.matmul(w, x, out, 0, w.rows());
            perCall = (threads.getCurrentThreadAllocatedBytes() - before) / WINDOW;
        } while (perCall > ALLOWED_BYTES_PER_CALL && System.nanoTime() < deadline);

        assertThat(perCall).as("bytes allocated per %s multiplication of %d tokens, once compiled", type, batch)
                .isLessThanOrEqualTo(ALLOWED_BYTES_PER_CALL);
    }

    private static boolean withoutTypeProfiles() {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        return vm.getVMOption("TypeProfileWidth").getValue().equals("0");
    }
}
