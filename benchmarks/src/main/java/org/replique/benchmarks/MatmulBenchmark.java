package org.replique.benchmarks;

import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.replique.engine.gguf.GgmlType;
import org.replique.engine.kernel.Kernels;
import org.replique.engine.kernel.PreparedInput;
import org.replique.engine.kernel.ScalarKernels;
import org.replique.engine.kernel.VectorKernels;
import org.replique.engine.tensor.WeightMatrix;

/**
 * One thread's matrix multiplication at Mistral-7B's widest common shape (4096 × 4096; the
 * FFN's 14336 is the same loop, longer). {@code batch = 1} is decoding (the matrix is larger than
 * the caches, so this measures the weight stream: divide the bytes by the time for GB/s);
 * {@code batch = 32} is a chunk of prompt evaluation (arithmetic-bound). Activation preparation
 * (quantization) is outside the timed part, as the forward pass shares it between matrices.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0"})
public class MatmulBenchmark {
    @Param({"Q4_0", "Q8_0", "F16", "Q4_K", "Q5_K", "Q6_K"})
    public String type;

    @Param({"vector", "scalar"})
    public String kernels;

    @Param({"1", "32"})
    public int batch;

    @Param({"4096"})
    public int rows;

    @Param({"4096"})
    public int cols;

    /**
     * {@code map}: the weights in the file's layout, as read from the mapping; {@code copy}: in
     * the layout the kernels' own copy takes ({@code Kernels.copy}: Q4_0 and Q4_K interleaved by
     * eight rows with the vector kernels), as the CPU backend's copied placement reads them.
     */
    @Param({"map", "copy"})
    public String placement;

    private Arena arena;
    private Kernels k;
    private WeightMatrix w;
    private PreparedInput x;
    private float[] out;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        k = kernels.equals("vector") ? new VectorKernels() : new ScalarKernels();
        w = RandomMatrices.of(GgmlType.valueOf(type), rows, cols, arena);
        if (placement.equals("copy")) w = k.copy(w, arena.allocate(w.data().byteSize(), 64));
        x = k.prepare(w, RandomMatrices.activations(batch * cols), batch);
        out = new float[batch * rows];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public void matmul(Blackhole bh) {
        k.matmul(w, x, out);
        bh.consume(out);
    }
}
