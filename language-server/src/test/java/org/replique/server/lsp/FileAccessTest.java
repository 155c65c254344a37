package org.replique.server.lsp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.eclipse.lsp4j.InlineCompletionTriggerKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.replique.fixtures.Fixtures;
import org.replique.server.commands.CommandService;

/**
 * No request makes the server read or write a file the client did not configure: documents come
 * with their text, whatever their URI names, and the only files read are the model's. Checked
 * with the JVM's own record of file reads and writes (JFR), for every thread the server runs.
 */
class FileAccessTest {

    @Test
    void requestsNamingFilesReadNothingButTheConfiguredModel(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.fountain"), "SECRET\nNe lis pas ceci.\n");
        Path model = dir.resolve("model.gguf");
        Files.copy(Fixtures.file("models/stories260K-f32.gguf"), model);
        List<RecordedEvent> events = new ArrayList<>();
        try (Recording recording = new Recording()) {
            for (String event : List.of("jdk.FileRead", "jdk.FileWrite", "jdk.FileForce")) {
                recording.enable(event).withThreshold(java.time.Duration.ZERO).withStackTrace();
            }
            recording.start();
            // The instrument works: a read on a thread named like the server's is seen.
            Thread probe = Thread.ofPlatform().name("replique-probe").start(() -> {
                try {
                    Files.readString(secret);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            probe.join();
            try (ServerHarness h = ServerHarness.ready("{\"model\": {\"path\": \"" + model + "\"}, \"completion\":"
                    + " {\"debounceMs\": 0}}")) {
                for (String uri : List.of(secret.toUri().toString(), "file:///etc/passwd",
                        "file:///../../etc/shadow", dir.toUri() + "../" + dir.getFileName() + "/secret.fountain",
                        "untitled:Untitled-1", "jar:file:" + model + "!/x", "http://127.0.0.1:1/x")) {
                    h.client.open(uri, "fountain", "MARIE\nOù étais-tu ?\n\nPAUL\n");
                    h.client.inline(uri, 4, 0, InlineCompletionTriggerKind.Invoked);
                    h.client.completion(uri, 3, 0);
                    JsonObject args = new JsonObject();
                    args.addProperty("uri", uri);
                    args.add("position", ServerHarness.json("{\"line\": 4, \"character\": 0}"));
                    args.addProperty("turns", 1);
                    h.client.execute(CommandService.GENERATE_DIALOGUE, args);
                    h.client.close(uri);
                }
                // A request for a document never opened, named by a real file's URI, reads nothing either.
                h.client.inline(secret.toUri().toString(), 0, 0, InlineCompletionTriggerKind.Invoked);
                h.client.executeJson(CommandService.STATUS);
            }
            recording.stop();
            Path dump = dir.resolve("files.jfr");
            recording.dump(dump);
            events.addAll(RecordingFile.readAllEvents(dump));
        }
        List<String> touched = new ArrayList<>();
        boolean probeSeen = false;
        for (RecordedEvent e : events) {
            String thread = e.getThread() == null ? "" : e.getThread().getJavaName();
            String path = e.getString("path");
            if (thread.equals("replique-probe")) {
                probeSeen |= secret.toString().equals(path);
                continue;
            }
            if (!thread.startsWith("replique-") || path == null || isRuntime(path)) continue;
            touched.add(e.getEventType().getName() + " " + path + " on " + thread);
        }
        assertThat(probeSeen).as("the recording sees file reads").isTrue();
        assertThat(touched).allMatch(t -> t.startsWith("jdk.FileRead " + model + " "),
                "only the configured model is read, nothing is written");
        assertThat(touched).noneMatch(t -> t.contains("secret") || t.contains("/etc/"));
    }

    /**
     * What the runtime itself reads while a request runs: classes and service files from the class
     * path and the JVM's image, random seeds, the processor topology (to count cores).
     */
    private static boolean isRuntime(String path) {
        return path.endsWith(".jar") || path.endsWith(".class") || path.contains("/META-INF/")
                || path.startsWith(System.getProperty("java.home")) || path.equals("/dev/urandom")
                || path.equals("/dev/random") || path.startsWith("/sys/devices/system/cpu/") || path.startsWith("/proc/");
    }
}
