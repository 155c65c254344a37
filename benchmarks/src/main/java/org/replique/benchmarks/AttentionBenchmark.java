package org.replique.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.replique.engine.kernel.Kernels;
import org.replique.engine.kernel.ScalarKernels;
import org.replique.engine.kernel.VectorKernels;

/**
 * Attention of one query head (head size 128, Mistral's) over {@code length} cached positions,
 * with the cache in F32 or F16, and RoPE of a token's 32 query heads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0"})
public class AttentionBenchmark {
    private static final int HEAD = 128;
    private static final int KV_DIM = 1024;

    @Param({"vector", "scalar"})
    public String kernels;

    @Param({"256", "2048"})
    public int length;

    private Kernels k;
    private float[] q;
    private float[] keys;
    private float[] values;
    private short[] halfKeys;
    private short[] halfValues;
    private float[] scores;
    private float[] out;
    private float[] heads;
    private float[] cos;
    private float[] sin;

    @Setup
    public void setUp() {
        k = kernels.equals("vector") ? new VectorKernels() : new ScalarKernels();
        SplittableRandom random = new SplittableRandom(3);
        q = gaussian(random, HEAD);
        keys = gaussian(random, length * KV_DIM);
        values = gaussian(random, length * KV_DIM);
        halfKeys = new short[keys.length];
        halfValues = new short[values.length];
        for (int i = 0; i < keys.length; i++) {
            halfKeys[i] = Float.floatToFloat16(keys[i]);
            halfValues[i] = Float.floatToFloat16(values[i]);
        }
        scores = new float[length];
        out = new float[HEAD];
        heads = gaussian(random, 32 * HEAD);
        cos = new float[HEAD];
        sin = new float[HEAD];
        for (int i = 0; i < HEAD; i += 2) {
            cos[i] = cos[i + 1] = (float) Math.cos(i);
            sin[i] = sin[i + 1] = (float) Math.sin(i);
        }
    }

    @Benchmark
    public void attentionF32(Blackhole bh) {
        k.attention(q, 0, keys, values, 3 * HEAD, KV_DIM, length, 0, length, HEAD, 0.088f, false, scores, out, 0);
        bh.consume(out);
    }

    @Benchmark
    public void attentionF16(Blackhole bh) {
        k.attention(q, 0, halfKeys, halfValues, 3 * HEAD, KV_DIM, length, 0, length, HEAD, 0.088f, false, scores, out, 0);
        bh.consume(out);
    }

    @Benchmark
    public void rope32Heads(Blackhole bh) {
        k.rope(heads, 0, 32, HEAD, HEAD, cos, sin);
        bh.consume(heads);
    }

    private static float[] gaussian(SplittableRandom random, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) random.nextGaussian();
        return x;
    }
}
