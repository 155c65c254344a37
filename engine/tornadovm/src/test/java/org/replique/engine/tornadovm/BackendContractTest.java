package org.replique.engine.tornadovm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.BackendOptions;
import org.replique.engine.backend.BackendProvider;
import org.replique.engine.backend.Backends;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.backend.InferenceState;
import org.replique.engine.backend.KvType;
import org.replique.engine.generate.GenerationRequest;
import org.replique.engine.generate.TokenListener;
import org.replique.engine.model.Model;
import org.replique.engine.sampling.SamplingParams;
import org.replique.engine.session.CompletionSession;
import org.replique.engine.session.SessionResult;
import org.replique.fixtures.Fixtures;

/** The backend as the rest of the engine finds and uses it. */
class BackendContractTest {

    private static BackendProvider provider() {
        return Backends.providers().stream().filter(p -> p.name().equals("tornadovm")).findFirst().orElseThrow();
    }

    @Test
    void theProviderIsFoundAndAvailableUnderTornadoVm() {
        assertThat(provider().unavailableReason()).isEmpty();
        assertThat(System.getProperty(TornadoBackendProvider.BAILOUT_PROPERTY)).isEqualToIgnoringCase("false");
        Backend device = Devices.open(Fixtures.file("models/stories260K-q8_0.gguf")).device();
        assertThat(device.name()).isEqualTo("tornadovm");
        assertThat(device.description()).contains("tornadovm on ").contains("F16+Q8_0 weights").contains("KV cache pool");
    }

    @Test
    void bailoutToSequentialJavaIsRefused() {
        String before = System.getProperty(TornadoBackendProvider.BAILOUT_PROPERTY);
        System.setProperty(TornadoBackendProvider.BAILOUT_PROPERTY, "True");
        try {
            assertThat(provider().unavailableReason()).hasValueSatisfying(reason ->
                    assertThat(reason).contains("-Dtornado.recover.bailout=False"));
        } finally {
            System.setProperty(TornadoBackendProvider.BAILOUT_PROPERTY, before);
        }
    }

    @Test
    void anF16CacheIsRefusedWithAReason() {
        try (Model model = Model.load(Fixtures.file("models/stories260K-f32.gguf"))) {
            assertThatThrownBy(() -> provider().create(model, BackendOptions.defaults().withKvType(KvType.F16)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("F32");
        }
    }

    @Test
    void statesBelongToTheirBackendAndCallsAreChecked() {
        Backend device = Devices.open(Fixtures.file("models/stories260K-f32.gguf")).device();
        Backend cpu = Devices.open(Fixtures.file("models/stories260K-f32.gguf")).cpu();
        try (InferenceState foreign = cpu.newState(16); InferenceState small = device.newState(4)) {
            assertThatThrownBy(() -> device.forward(foreign, new int[] {1}, 0, 1, Cancellation.NONE))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> device.forward(small, new int[] {1, 2, 3, 4, 5}, 0, 5, Cancellation.NONE))
                    .hasMessageContaining("context full");
            assertThatThrownBy(() -> device.forward(small, new int[] {512}, 0, 1, Cancellation.NONE))
                    .hasMessageContaining("outside the vocabulary");
            assertThat(small.capacity()).isEqualTo(4);
            assertThat(small.length()).isZero();
        }
    }

    /** A completion session reuses its cache on the device exactly as it does on the CPU. */
    @Test
    void completionSessionsReuseTheirDeviceCache() {
        Devices.Opened o = Devices.open(Fixtures.file("models/stories260K-f32.gguf"));
        int[] first = o.model().tokenizer().encode("Once upon a time, there was a little dog");
        int[] second = o.model().tokenizer().encode("Once upon a time, there was a little cat");
        GenerationRequest request = GenerationRequest.of(SamplingParams.greedyDecoding(), 24).withStopAtEos(false);
        try (CompletionSession device = new CompletionSession(o.device(), 256);
             CompletionSession cpu = new CompletionSession(o.cpu(), 256)) {
            for (int[] prompt : new int[][] {first, second, first}) {
                SessionResult d = device.complete(prompt, request, TokenListener.NONE, Cancellation.NONE);
                SessionResult c = cpu.complete(prompt, request, TokenListener.NONE, Cancellation.NONE);
                assertThat(d.generation().first().tokens()).containsExactly(c.generation().first().tokens());
                assertThat(d.cost().reusedTokens()).isEqualTo(c.cost().reusedTokens());
                Logits.assertClose(d.generation().promptLogits(), c.generation().promptLogits(),
                        CpuParityTest.tolerance("f32"), "session prompt");
            }
            assertThat(device.memoryBytes()).isPositive();
        }
    }
}
