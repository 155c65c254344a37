package org.replique.server.lsp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.eclipse.lsp4j.InlineCompletionTriggerKind;
import org.eclipse.lsp4j.MessageType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.replique.fixtures.Fixtures;
import org.replique.server.commands.CommandService;

/**
 * The model file changes under the serving server: truncated or rewritten in place (the mapping
 * may fault: the model leaves service at once), replaced by another file or deleted (the mapping
 * still reads the old file: the model serves on). The status says which, and the model is loaded
 * again once the file stays unchanged, or when the client asks. The server answers throughout.
 */
class ModelFileChangeTest {
    private static final String DOC = "file:///scripts/scene.fountain";
    private static final String TEXT = "INT. SALON - NUIT\n\nMARIE\nOù étais-tu ?\n\nPAUL\n";

    @TempDir
    static Path dir;
    private ServerHarness h;
    private Path model;

    @BeforeAll
    static void watchOften() {
        System.setProperty("replique.model.watchMillis", "200");
    }

    @BeforeEach
    void start() throws Exception {
        model = dir.resolve("model-" + System.nanoTime() + ".gguf");
        Files.copy(Fixtures.file("models/stories260K-f32.gguf"), model);
        h = ServerHarness.ready("{\"model\": {\"path\": \"" + model + "\"}, \"completion\": {\"debounceMs\": 0}}");
        h.client.open(DOC, "fountain", TEXT);
        assertThat(status().get("path").getAsString()).isEqualTo(model.toString());
        assertThat(inline()).isNotEmpty();
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void aTruncatedFileTakesTheModelOutOfServiceAtOnceAndItIsLoadedAgainOnceTheFileIsWhole() throws Exception {
        byte[] whole = Files.readAllBytes(model);
        try (FileChannel c = FileChannel.open(model, StandardOpenOption.WRITE)) {
            c.truncate(whole.length / 3);
        }
        // The very next request sees it: nothing reads the truncated mapping.
        assertThat(inline()).isEmpty();
        JsonObject status = status();
        assertThat(status.get("state").getAsString()).isEqualTo("error");
        assertThat(status.get("message").getAsString()).contains("changed on disk while in use");
        h.client.awaitMessage(m -> m.getType() == MessageType.Error && m.getMessage().contains("changed on disk"));

        // Stable but truncated: the load that follows says why it cannot serve.
        h.client.awaitMessage(m -> m.getType() == MessageType.Error && m.getMessage().contains("cannot load")
                && m.getMessage().contains("truncated"));
        assertThat(inline()).isEmpty();

        // Written whole again (in place, as cp does): loaded again without being asked.
        Files.write(model, whole);
        awaitReadyWithoutMessage();
        assertThat(inline()).isNotEmpty();
    }

    @Test
    void aFileReplacedByAnotherServesFromTheOldMappingUntilTheNewOneIsLoaded() throws Exception {
        long before = status().get("sizeBytes").getAsLong();
        Path other = dir.resolve("incoming.gguf");
        Files.copy(Fixtures.file("models/stories260K-q8_0.gguf"), other);
        Files.move(other, model, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertThat(inline()).as("the old mapping still serves").isNotEmpty();
        h.client.awaitCondition(() -> {
            JsonObject s = status();
            return s.get("state").getAsString().equals("ready") && s.get("sizeBytes").getAsLong() != before ? s : null;
        }, "the new file loaded");
        assertThat(status().get("sizeBytes").getAsLong()).isEqualTo(Files.size(model));
        assertThat(h.client.statuses()).anyMatch(s -> s.has("message") && !s.get("message").isJsonNull()
                && s.get("message").getAsString().contains("was replaced on disk"));
        assertThat(inline()).isNotEmpty();
    }

    @Test
    void aDeletedFileServesFromMemoryAndIsLoadedAgainWhenItComesBack() throws Exception {
        byte[] whole = Files.readAllBytes(model);
        Files.delete(model);
        h.client.awaitCondition(() -> {
            JsonObject s = status();
            return s.has("message") && !s.get("message").isJsonNull()
                    && s.get("message").getAsString().contains("was deleted from disk") ? s : null;
        }, "a status saying the file is gone");
        assertThat(status().get("state").getAsString()).isEqualTo("ready");
        assertThat(inline()).as("the mapping of the deleted file still serves").isNotEmpty();

        Files.write(model, whole);
        awaitReadyWithoutMessage();
        assertThat(inline()).isNotEmpty();
    }

    @Test
    void reloadingOnRequestAfterATruncationSaysWhyTheFileCannotServe() throws Exception {
        try (FileChannel c = FileChannel.open(model, StandardOpenOption.WRITE)) {
            c.truncate(c.size() / 3);
        }
        assertThat(inline()).isEmpty();
        JsonObject reloaded = h.client.executeJson(CommandService.RELOAD_MODEL);
        assertThat(reloaded.get("state").getAsString()).isEqualTo("error");
        assertThat(reloaded.get("message").getAsString()).contains("cannot load").contains("truncated");
        assertThat(inline()).isEmpty();
        assertThat(h.serving()).isTrue();
    }

    private java.util.List<org.eclipse.lsp4j.InlineCompletionItem> inline() {
        return h.client.inline(DOC, 5, 4, InlineCompletionTriggerKind.Invoked);
    }

    private JsonObject status() {
        return h.client.executeJson(CommandService.STATUS);
    }

    private void awaitReadyWithoutMessage() {
        h.client.awaitCondition(() -> {
            JsonObject s = status();
            return s.get("state").getAsString().equals("ready") && (!s.has("message") || s.get("message").isJsonNull())
                    ? s : null;
        }, "the model loaded again");
    }
}
