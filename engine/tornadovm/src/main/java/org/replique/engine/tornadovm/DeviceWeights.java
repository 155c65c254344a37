package org.replique.engine.tornadovm;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
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

    static DeviceWeights repack(ModelWeights w) {
        List<Layer> layers = new ArrayList<>(w.layers().size());
        for (LayerWeights l : w.layers()) {
            layers.add(new Layer(FloatArray.fromArray(l.attentionNorm()),
                    // A Hugging Face checkpoint stores Q and K rows in rotate-half order: the device
                    // kernels read rows in the order the forward pass uses.
                    DeviceMatrix.stack(l.wq().inLogicalOrder(), l.wk().inLogicalOrder(), l.wv()),
                    DeviceMatrix.stack(l.wo()),
                    FloatArray.fromArray(l.ffnNorm()),
                    DeviceMatrix.stack(l.wGate(), l.wUp()),
                    DeviceMatrix.stack(l.wDown())));
        }
        return new DeviceWeights(List.copyOf(layers), FloatArray.fromArray(w.outputNorm()),
                DeviceMatrix.stack(w.output()));
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
