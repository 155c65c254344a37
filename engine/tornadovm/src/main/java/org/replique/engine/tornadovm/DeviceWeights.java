package org.replique.engine.tornadovm;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.replique.engine.model.LayerWeights;
import org.replique.engine.model.ModelWeights;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * The model's weights in the device formats (host copies that the plan uploads once): per layer
 * the norms (with their biases for a LayerNorm, and the attention's own second norm when the file
 * has one), Q/K/V stacked (or the file's fused Q/K/V matrix, the same rows), the output
 * projection, the feed-forward's first matrices (gate and up stacked for SwiGLU, up alone for a
 * GELU MLP) and the down projection; then the final norm and the output matrix. What a layout
 * lacks is null. The token embedding stays on the host: a chunk's rows are looked up there and
 * uploaded as its input.
 */
record DeviceWeights(List<Layer> layers, FloatArray outputNorm, FloatArray outputNormBias, DeviceMatrix output) {

    /**
     * @param attentionNormBias  the LayerNorm's bias, or null (RMSNorm)
     * @param attentionNorm2     a separate norm of the attention's input, or null (the MLP and the attention share one)
     * @param ffnNorm            the feed-forward's own norm, or null when it reads the attention norm's output
     * @param up                 gate and up rows stacked (SwiGLU), or the up rows alone (GELU)
     */
    record Layer(FloatArray attentionNorm, FloatArray attentionNormBias, FloatArray attentionNorm2,
                 FloatArray attentionNorm2Bias, DeviceMatrix qkv, DeviceMatrix wo, FloatArray ffnNorm,
                 DeviceMatrix up, DeviceMatrix down) {
        /** The norm vectors this layer has. */
        List<FloatArray> norms() {
            List<FloatArray> all = new ArrayList<>();
            for (FloatArray a : new FloatArray[] {attentionNorm, attentionNormBias, attentionNorm2, attentionNorm2Bias,
                    ffnNorm}) {
                if (a != null) all.add(a);
            }
            return all;
        }

        long deviceBytes() {
            long sum = qkv.deviceBytes() + wo.deviceBytes() + up.deviceBytes() + down.deviceBytes();
            for (FloatArray a : norms()) sum += a.getNumBytesOfSegment();
            return sum;
        }
    }

    /** Repacks the layers in parallel (a 7B model is gigabytes to copy) into memory from {@code host}. */
    static DeviceWeights repack(ModelWeights w, HostArrays host) {
        List<Layer> layers = IntStream.range(0, w.layers().size()).parallel().mapToObj(i -> {
            LayerWeights l = w.layers().get(i);
            DeviceMatrix qkv = l.wqkv() != null
                    ? DeviceMatrix.stack(host, l.wqkv().inLogicalOrder())
                    : DeviceMatrix.stack(host, l.wq().inLogicalOrder(), l.wk().inLogicalOrder(), l.wv());
            DeviceMatrix up = l.wGate() != null ? DeviceMatrix.stack(host, l.wGate(), l.wUp())
                    : DeviceMatrix.stack(host, l.wUp());
            return new Layer(floats(host, l.attentionNorm()), floats(host, l.attentionNormBias()),
                    floats(host, l.attentionNorm2()), floats(host, l.attentionNorm2Bias()), qkv,
                    DeviceMatrix.stack(host, l.wo()), floats(host, l.ffnNorm()), up, DeviceMatrix.stack(host, l.wDown()));
        }).toList();
        return new DeviceWeights(layers, floats(host, w.outputNorm()), floats(host, w.outputNormBias()),
                DeviceMatrix.stack(host, w.output()));
    }

    /** {@code values} in device memory, or null for an absent vector. */
    private static FloatArray floats(HostArrays host, float[] values) {
        if (values == null) return null;
        FloatArray a = host.floats(values.length);
        for (int i = 0; i < values.length; i++) a.set(i, values[i]);
        return a;
    }

    long deviceBytes() {
        long sum = outputNorm.getNumBytesOfSegment() + output.deviceBytes();
        if (outputNormBias != null) sum += outputNormBias.getNumBytesOfSegment();
        for (Layer l : layers) sum += l.deviceBytes();
        return sum;
    }

    private List<DeviceMatrix> matrices() {
        List<DeviceMatrix> all = new ArrayList<>();
        for (Layer l : layers) all.addAll(List.of(l.qkv(), l.wo(), l.up(), l.down()));
        all.add(output);
        return all;
    }

    /**
     * The formats in use, for the backend's description: {@code Q8_0}, or {@code Q8_0+F16}, and
     * what was widened: {@code F32+Q8_0 (Q4_K, Q6_K widened to F32)}.
     */
    String formats() {
        TreeSet<String> names = new TreeSet<>();
        TreeSet<String> widened = new TreeSet<>();
        for (DeviceMatrix m : matrices()) {
            names.add(DeviceMatrix.formatName(m.format));
            widened.addAll(m.widenedFrom);
        }
        String formats = String.join("+", names);
        return widened.isEmpty() ? formats : formats + " (" + String.join(", ", widened) + " widened to F32)";
    }
}
