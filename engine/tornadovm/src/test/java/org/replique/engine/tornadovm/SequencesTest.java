package org.replique.engine.tornadovm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.backend.InferenceState;
import org.replique.engine.model.Model;
import org.replique.fixtures.Fixtures;

/** Several sequences share one backend: each keeps its own KV cache pages on the device. */
class SequencesTest {

    private static Devices.Opened stories() {
        return Devices.open(Fixtures.file("models/stories260K-f32.gguf"));
    }

    private static float[] alone(Backend device, int[] tokens) {
        try (InferenceState s = device.newState(512)) {
            return device.forward(s, tokens, 0, tokens.length, Cancellation.NONE);
        }
    }

    @Test
    void interleavedSequencesDoNotSeeEachOther() {
        Backend device = stories().device();
        int[] a = Logits.walk(50, 512);
        int[] b = a.clone();
        for (int i = 1; i < b.length; i++) b[i] = 3 + (i * 101) % 509;
        try (InferenceState sa = device.newState(256); InferenceState sb = device.newState(256)) {
            float[] la = null;
            float[] lb = null;
            for (int i = 0; i < a.length; i += 10) {
                la = device.forward(sa, a, i, 10, Cancellation.NONE);
                lb = device.forward(sb, b, i, 10, Cancellation.NONE);
            }
            assertThat(la).containsExactly(alone(device, a));
            assertThat(lb).containsExactly(alone(device, b));
        }
    }

    @Test
    void sequencesOnSeveralThreadsTakeTurnsOnTheDevice() throws Exception {
        Backend device = stories().device();
        int[][] prompts = new int[4][];
        float[][] expected = new float[4][];
        for (int p = 0; p < prompts.length; p++) {
            prompts[p] = Logits.walk(40 + 7 * p, 512);
            // Token by token, as the threads feed them (a prompt's tokens evaluated together sum attention in another order).
            try (InferenceState s = device.newState(256)) {
                for (int i = 0; i < prompts[p].length; i++) {
                    expected[p] = device.forward(s, prompts[p], i, 1, Cancellation.NONE);
                }
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Future<?>[] runs = new Future<?>[prompts.length];
            for (int p = 0; p < prompts.length; p++) {
                int[] prompt = prompts[p];
                float[] want = expected[p];
                runs[p] = pool.submit(() -> {
                    try (InferenceState s = device.newState(256)) {
                        float[] got = null;
                        for (int i = 0; i < prompt.length; i++) got = device.forward(s, prompt, i, 1, Cancellation.NONE);
                        assertThat(got).containsExactly(want);
                    }
                });
            }
            for (Future<?> r : runs) r.get();
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void aFullPoolIsReportedAndClosedSequencesGiveTheirPagesBack() {
        try (Model model = Model.load(Fixtures.file("models/stories260K-f32.gguf"));
             TornadoBackend small = new TornadoBackend(model, Device.open(), 3 * DeviceKernels.PAGE)) {
            assertThat(small.poolPositions()).isEqualTo(96);
            int[] tokens = Logits.walk(70, 512);
            InferenceState first = small.newState(512);
            small.forward(first, tokens, 0, 70, Cancellation.NONE);
            assertThat(small.freePositions()).isZero();
            try (InferenceState second = small.newState(512)) {
                assertThatThrownBy(() -> small.forward(second, tokens, 0, 10, Cancellation.NONE))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("KV cache pool is full")
                        .hasMessageContaining(TornadoBackendProvider.KV_POSITIONS_PROPERTY);
                assertThat(second.length()).isZero();
                first.close();
                assertThat(small.freePositions()).isEqualTo(96);
                assertThat(small.forward(second, tokens, 0, 70, Cancellation.NONE))
                        .containsExactly(alone(stories().device(), tokens));
            }
        }
    }

    @Test
    void aCancelledPromptKeepsTheChunksThatCompleted() throws Exception {
        Backend device = stories().device();
        int[] tokens = Logits.walk(448, 512);
        Cancellation cancel = new Cancellation();
        try (InferenceState s = device.newState(512)) {
            // Cancel as soon as the first chunk is in: the call stops between layers of a later one.
            Thread watcher = Thread.ofPlatform().start(() -> {
                while (s.length() == 0) Thread.onSpinWait();
                cancel.cancel();
            });
            assertThatThrownBy(() -> device.forward(s, tokens, 0, tokens.length, cancel))
                    .isInstanceOf(CancellationException.class);
            watcher.join();
            assertThat(s.length()).isBetween(DeviceKernels.CHUNK, tokens.length - DeviceKernels.CHUNK)
                    .isEqualTo(s.length() / DeviceKernels.CHUNK * DeviceKernels.CHUNK);
            float[] resumed = device.forward(s, tokens, s.length(), tokens.length - s.length(), Cancellation.NONE);
            assertThat(resumed).containsExactly(alone(device, tokens));
        }
    }
}
