package org.replique.server.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.replique.server.config.ServerSettings;
import org.replique.server.http.HttpServerFixture;
import org.replique.server.remote.RemoteContinuations;
import org.replique.server.remote.RemoteException;

/** Connecting to a remote model: the key from the named environment variable, the model, the counting. */
class RemoteModelsTest {
    private static final RemoteContinuations.Health QUIET = new RemoteContinuations.Health() {
        @Override
        public void failed(RemoteException e) {}

        @Override
        public void answered() {}
    };

    private static ServerSettings.ModelSettings remote(String endpoint, String name, String apiKeyEnv) {
        return ServerSettings.defaults().withRemote(endpoint, name, apiKeyEnv).model();
    }

    @Test
    void theKeyComesFromTheVariableTheSettingsName() throws Exception {
        try (HttpServerFixture f = HttpServerFixture.start(InetAddress.getLoopbackAddress(), "sk-room", 1, 2, 1, 0)) {
            RemoteModels.Connected c = RemoteModels.connect(remote(f.baseUrl(), null, "ROOM_KEY"),
                    Map.of("ROOM_KEY", "sk-room\n")::get, QUIET);
            try (LoadedModel m = c.model()) {
                assertThat(c.problem()).isNull();
                // The server's first model, its context, and its tokenizer (behind the key too).
                assertThat(m.description().name()).isEqualTo(HttpServerFixture.MODEL);
                assertThat(m.continuations().contextLength()).isEqualTo(512);
                assertThat(m.description().backend()).contains("/tokenize");
                assertThat(m.tokenCounts().count("Bonjour Alceste")).isEqualTo(5);
            }

            RemoteModels.Connected wrong = RemoteModels.connect(remote(f.baseUrl(), null, "ROOM_KEY"),
                    Map.of("ROOM_KEY", "sk-other")::get, QUIET);
            try (LoadedModel m = wrong.model()) {
                assertThat(wrong.problem().kind()).isEqualTo(RemoteException.Kind.UNAUTHORIZED);
                assertThat(m.description().backend()).as("no tokenizer without the key").contains("estimates");
            }
            assertThatThrownBy(() -> RemoteModels.connect(remote(f.baseUrl(), null, "ROOM_KEY"), Map.<String, String>of()::get,
                    QUIET)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ROOM_KEY");
        }
    }

    @Test
    void aModelNameTheServerDoesNotServeIsAProblemThatNamesTheOnesItDoes() throws Exception {
        try (HttpServerFixture f = HttpServerFixture.start(1, 2, 1, 0)) {
            RemoteModels.Connected c = RemoteModels.connect(remote(f.baseUrl(), "claire-7b", null), k -> null, QUIET);
            try (LoadedModel m = c.model()) {
                assertThat(c.problem().kind()).isEqualTo(RemoteException.Kind.NOT_FOUND);
                assertThat(c.problem().getMessage()).contains(HttpServerFixture.MODEL).contains("model.name");
            }
        }
    }

    @Test
    void aBaseUrlWithoutItsVersionPathGetsV1() throws Exception {
        try (HttpServerFixture f = HttpServerFixture.start(1, 2, 1, 0)) {
            String root = f.baseUrl().substring(0, f.baseUrl().length() - "/v1".length());
            RemoteModels.Connected c = RemoteModels.connect(remote(root, null, null), k -> null, QUIET);
            try (LoadedModel m = c.model()) {
                assertThat(c.problem()).isNull();
                assertThat(m.description().location()).isEqualTo(f.baseUrl());
            }
        }
    }
}
