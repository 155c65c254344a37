package org.replique.server.cli;

import java.nio.file.Path;
import org.replique.engine.backend.BackendOptions;
import org.replique.engine.backend.KvType;
import org.replique.engine.backend.WeightPlacement;
import org.replique.engine.model.EmbeddedModel;
import org.replique.engine.model.LoadOptions;
import org.replique.engine.model.WeightsFormat;
import org.replique.server.hub.ModelReference;
import picocli.CommandLine.Option;

/** The options every command that runs a model shares. */
public final class ModelOptions {
    @Option(names = {"-m", "--model"}, paramLabel = "MODEL", description = "GGUF file, Hugging Face model folder, or"
            + " OWNER/NAME of a pulled model (default: the embedded demo model)")
    Path model;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "compute threads (default: one per physical core)")
    int threads;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "cpu", description = "cpu (default) or tornadovm")
    String backend;

    @Option(names = "--kernels", paramLabel = "KIND", defaultValue = "auto", hidden = true,
            description = "CPU kernels: auto, vector or scalar")
    String kernels;

    @Option(names = "--kv-type", paramLabel = "TYPE", defaultValue = "f32",
            description = "attention cache: f32 (default) or f16 (half the memory, rounds like llama.cpp's default)")
    String kvType;

    @Option(names = "--context", paramLabel = "N", description = "context length in tokens (default: the model's, at most 4096)")
    int context;

    @Option(names = "--sliding-window", paramLabel = "N", defaultValue = "-1",
            description = "attention window in positions (default: from the model file; 0 = none)")
    int slidingWindow;

    @Option(names = "--weights-memory", paramLabel = "WHERE", defaultValue = "auto",
            description = "cpu backend: copy (read the weights from a copy made at start, in 2 MiB pages and the "
                    + "kernels' layouts, the file's cached pages dropped), map (read them in place from the file "
                    + "mapping) or auto (default: copy where memory allows)")
    String weightsMemory;

    @Option(names = "--weights", paramLabel = "TYPE",
            description = "quantize float weights at load: q8_0 or q4_0 (default: as stored in the model)")
    String weights;

    public Path modelPath() {
        return model != null ? ModelReference.resolve(model.toString()) : EmbeddedModel.path();
    }

    /** The window override and the weights' form; a progress bar on the terminal while weights are quantized. */
    public LoadOptions loadOptions() {
        WeightsFormat format = WeightsFormat.parse(weights);
        LoadOptions options = new LoadOptions(slidingWindow, format, null);
        return format == WeightsFormat.AS_STORED ? options : options.withProgress(LoadProgressBar.onStandardError());
    }

    public BackendOptions backendOptions() {
        return new BackendOptions(threads, kernels, KvType.parse(kvType), WeightPlacement.parse(weightsMemory));
    }

    /** The context to allocate: the explicit value, else the model's, capped at Claire's 4096-token windows. */
    public int contextFor(int modelContext) {
        return context > 0 ? context : Math.min(modelContext, 4096);
    }
}
