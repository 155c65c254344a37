package org.replique.engine.file;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.BackendOptions;
import org.replique.engine.backend.KvType;
import org.replique.engine.backend.WeightPlacement;
import org.replique.engine.backend.Backends;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.backend.InferenceState;
import org.replique.engine.model.Model;

/**
 * Run in a JVM of its own by {@link MappedFileTruncationTest}: evaluates tokens over and over
 * until the kernels are compiled, truncates the model's file under its mapping, and evaluates
 * again. Prints {@code SURVIVED: <exception>} when the engine reported the change; a JVM killed by
 * the fault prints nothing more.
 *
 * <p>{@code TruncatedWhileRunning MODEL KERNELS WARM_MILLIS}
 */
public final class TruncatedWhileRunning {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        long warmMillis = Long.parseLong(args[2]);
        try (Model model = Model.load(file);
             // Read from the mapping: a backend's own copy of the weights would not see the truncation.
             Backend backend = Backends.create("cpu", model,
                     new BackendOptions(2, args[1], KvType.F32, WeightPlacement.MAP));
             InferenceState state = backend.newState(64)) {
            int[] prompt = {1, 20, 30, 40, 50, 60, 70, 80};
            long start = System.nanoTime();
            int passes = 0;
            while (System.nanoTime() - start < warmMillis * 1_000_000L || passes < 300) {
                if (state.length() + prompt.length > state.capacity()) state.truncate(0);
                // Prompts (panels of several rows) and single tokens take different kernels: run both.
                backend.forward(state, prompt, 0, passes % 2 == 0 ? prompt.length : 1, Cancellation.NONE);
                passes++;
            }
            System.out.println("WARM after " + passes + " passes");
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(channel.size() / 8);
            }
            // Single tokens first (the decode kernels, the hottest code), then prompts (the panel kernels).
            for (int i = 0; i < 20; i++) {
                try {
                    if (state.length() + prompt.length > state.capacity()) state.truncate(0);
                    backend.forward(state, prompt, 0, i < 10 ? 1 : prompt.length, Cancellation.NONE);
                } catch (ModelFileChangedException e) {
                    System.out.println("SURVIVED: " + e.getMessage());
                    return;
                }
            }
            System.out.println("NO FAULT: the truncated pages were still read");
        }
    }
}
