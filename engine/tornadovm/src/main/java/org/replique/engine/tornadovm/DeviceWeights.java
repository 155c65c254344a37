package org.replique.engine.tornadovm;

import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.replique.engine.model.LayerWeights;
import org.replique.engine.model.ModelWeights;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * The model's weights in the device formats (host copies that the plan uploads once): per layer
 * the two norms, Q/K/V stacked, the output projection, gate/up stacked and the down projection;
 * then the final norm and the output matrix. The token embedding stays on the host: a chunk's rows
 * are looked up there and uploaded as its input.
 */
record DeviceWeights(List<Layer> layers, FloatArray outputNorm, DeviceMatrix output) {

    record Layer(FloatArray attentionNorm, DeviceMatrix qkv, DeviceMatrix wo, FloatArray ffnNorm,
                 DeviceMatrix gateUp, DeviceMatrix down) {
        long deviceBytes() {
            return attentionNorm.getNumBytesOfSegment() + ffnNorm.getNumBytesOfSegment() + qkv.deviceBytes()
                    + wo.deviceBytes() + gateUp.deviceBytes() + down.deviceBytes();
        }
    }

    /** Repacks the layers in parallel (a 7B model is gigabytes to copy) into memory from {@code host}. */
    static DeviceWeights repack(ModelWeights w, HostArrays host) {
        List<Layer> layers = IntStream.range(0, w.layers().size()).parallel().mapToObj(i -> {
            LayerWeights l = w.layers().get(i);
            return new Layer(floats(host, l.attentionNorm()),
                    DeviceMatrix.stack(host, l.wq().inLogicalOrder(), l.wk().inLogicalOrder(), l.wv()),
                    DeviceMatrix.stack(host, l.wo()),
                    floats(host, l.ffnNorm()),
                    DeviceMatrix.stack(host, l.wGate(), l.wUp()),
                    DeviceMatrix.stack(host, l.wDown()));
        }).toList();
        return new DeviceWeights(layers, floats(host, w.outputNorm()), DeviceMatrix.stack(host, w.output()));
    }

    private static FloatArray floats(HostArrays host, float[] values) {
        FloatArray a = host.floats(values.length);
        for (int i = 0; i < values.length; i++) a.set(i, values[i]);
        return a;
    }

    long deviceBytes() {
        long sum = outputNorm.getNumBytesOfSegment() + output.deviceBytes();
        for (Layer l : layers) sum += l.deviceBytes();
        return sum;
    }

    /** The formats in use, for the backend's description: {@code Q8_0}, or {@code Q8_0+F16}. */
    String formats() {
        TreeSet<String> names = new TreeSet<>();
        for (Layer l : layers) {
            for (DeviceMatrix m : List.of(l.qkv(), l.wo(), l.gateUp(), l.down())) names.add(DeviceMatrix.formatName(m.format));
        }
        names.add(DeviceMatrix.formatName(output.format));
        return String.join("+", names);
    }
}
