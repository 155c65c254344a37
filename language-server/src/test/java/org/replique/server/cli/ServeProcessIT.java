package org.replique.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.lsp4j.InlineCompletionTriggerKind;
import org.junit.jupiter.api.Test;
import org.replique.fixtures.lsp.ScriptedClient;

/** The packaged jar, started as an editor starts it: over stdio, and over TCP on 127.0.0.1. */
class ServeProcessIT {
    private static final String DOC = "file:///scripts/scene.fountain";
    private static final String TEXT = "INT. SALON - NUIT\n\nMARIE\nOù étais-tu ?\n\nPAUL\n";

    static List<String> java(String... args) {
        Path jar = Path.of(System.getProperty("replique.jar"));
        assertThat(jar).exists();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-jar", jar.toString()));
        command.addAll(List.of(args));
        return command;
    }

    private static void session(ScriptedClient client) {
        // A fresh process on a busy machine can take longer than the default budget for its first suggestion.
        client.initialize(com.google.gson.JsonParser.parseString("{\"completion\": {\"timeBudgetMs\": 60000}}"));
        client.awaitStatus("ready");
        client.open(DOC, "fountain", TEXT);
        assertThat(client.inline(DOC, 5, 4, InlineCompletionTriggerKind.Invoked)).isNotEmpty();
        client.shutdown();
    }

    @Test
    void servesOverStdio() throws Exception {
        try (ScriptedClient client = ScriptedClient.spawn(java("serve", "--stdio"))) {
            session(client);
        }
    }

    @Test
    void servesOverTcpOnLoopbackOnly() throws Exception {
        int port;
        try (var probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Process server = new ProcessBuilder(java("serve", "--port", String.valueOf(port)))
                .redirectErrorStream(true).redirectOutput(Files.createTempFile("serve", ".log").toFile()).start();
        try {
            Socket socket = null;
            for (int i = 0; i < 200 && socket == null; i++) {
                try {
                    socket = new Socket(java.net.InetAddress.getLoopbackAddress(), port);
                } catch (java.io.IOException e) {
                    Thread.sleep(50);
                }
            }
            assertThat(socket).as("the server listens on 127.0.0.1:%d", port).isNotNull();
            try (Socket s = socket; ScriptedClient client = ScriptedClient.connect(s.getInputStream(), s.getOutputStream())) {
                session(client);
            }
        } finally {
            server.destroy();
        }
    }

    @Test
    void servesTheOpenAiCompletionsApiOverHttp() throws Exception {
        int port;
        try (var probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Path log = Files.createTempFile("serve-http", ".log");
        Process server = new ProcessBuilder(java("serve", "--http", "--port", String.valueOf(port)))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            var http = java.net.http.HttpClient.newHttpClient();
            java.net.URI base = java.net.URI.create("http://127.0.0.1:" + port);
            String health = null;
            for (int i = 0; i < 300 && health == null; i++) {
                try {
                    health = http.send(java.net.http.HttpRequest.newBuilder(base.resolve("/health")).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                } catch (java.io.IOException e) {
                    Thread.sleep(50);
                }
            }
            assertThat(health).as("the server answers /health; log: %s", Files.readString(log)).contains("\"ok\"");
            var answer = http.send(java.net.http.HttpRequest.newBuilder(base.resolve("/v1/completions"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"model\": \"replique-mini-fr\", \"prompt\": \"[Alceste:]\", \"max_tokens\": 4}"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).contains("\"text_completion\"");
            assertThat(Files.readString(log)).contains("serving replique-mini-fr at http://127.0.0.1:" + port + "/v1");
        } finally {
            server.destroy();
        }
    }

    @Test
    void refusesToServeBeyondLoopbackWithoutAnApiKey() throws Exception {
        Process server = new ProcessBuilder(java("serve", "--http", "--host", "0.0.0.0", "--port", "0"))
                .redirectErrorStream(true).start();
        String output = new String(server.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(server.waitFor()).isEqualTo(2);
        assertThat(output).contains("needs an API key").contains("--api-key-env");
    }
}
