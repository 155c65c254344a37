package org.replique.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.replique.fixtures.Fixtures;

/**
 * The device script's correctness part, driven here with the CPU backend (vector kernels, every
 * core) in the device's place against the CPU's scalar reference: what it checks and what it
 * writes, without a GPU or TornadoVM.
 */
class DeviceCheckTest {

    private static JsonObject step(JsonObject results, String name) {
        for (var e : results.getAsJsonArray("steps")) {
            if (e.getAsJsonObject().get("name").getAsString().equals(name)) return e.getAsJsonObject();
        }
        throw new AssertionError("no step " + name + " in " + results);
    }

    @Test
    void theQuickCheckPassesForABackendThatMatchesTheReference(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("device-results-cpu.json");
        Path devices = dir.resolve("devices.txt");
        Files.writeString(devices, "Tornado device=0:0\n\tOPENCL -- [test] -- a device\n");
        List<String> args = new ArrayList<>(List.of("--backend", "cpu", "--label", "cpu", "--quick", "--out",
                out.toString(), "--devices", devices.toString(), "--work", dir.resolve("work").toString()));
        Optional<Path> demoF32 = Fixtures.shared().map(s -> s.resolve("models/replique-mini-fr-f32.gguf"))
                .filter(Files::isRegularFile);
        demoF32.ifPresent(f -> args.addAll(List.of("--demo-f32", f.toString())));
        if (demoF32.isEmpty()) {
            System.err.println("DeviceCheckTest: ../shared/models/replique-mini-fr-f32.gguf is absent: its step is skipped");
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        int code = DeviceCheck.run(args.toArray(String[]::new), new PrintStream(log, true, StandardCharsets.UTF_8));

        String printed = log.toString(StandardCharsets.UTF_8);
        assertThat(code).as(printed).isZero();
        JsonObject results = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
        assertThat(results.get("finished").getAsBoolean()).isTrue();
        assertThat(results.get("label").getAsString()).isEqualTo("cpu");
        assertThat(results.getAsJsonObject("environment").get("devices").getAsString()).contains("device=0:0");

        JsonObject stories = step(results, "stories260K-f32");
        assertThat(stories.get("status").getAsString()).isEqualTo("pass");
        assertThat(stories.get("identical_to_cpu").getAsBoolean()).isTrue();
        assertThat(stories.get("identical_to_llamacpp").getAsBoolean()).isTrue();
        assertThat(stories.getAsJsonArray("device_tokens")).hasSize(64);
        assertThat(stories.getAsJsonObject("logits").get("within_tolerance").getAsBoolean()).isTrue();

        JsonObject demo = step(results, "replique-mini-fr-q8_0");
        assertThat(demo.get("status").getAsString()).isEqualTo("pass");
        JsonArray prompts = demo.getAsJsonArray("prompts");
        assertThat(prompts).hasSize(3);
        for (var p : prompts) {
            assertThat(p.getAsJsonObject().get("greedy_identical_to_cpu").getAsBoolean()).isTrue();
            assertThat(p.getAsJsonObject().get("decoded_tokens").getAsInt()).isEqualTo(16);
        }
        assertThat(step(results, "replique-mini-fr-f32").get("status").getAsString())
                .isEqualTo(demoF32.isPresent() ? "pass" : "skipped");
        assertThat(results.getAsJsonObject("summary").get("verdict").getAsString()).isEqualTo("pass");
        assertThat(printed).contains("stories260K-f32: pass").contains("done:");
        assertThat(Files.exists(dir.resolve("work"))).as("--quick writes no 7B-shaped file").isFalse();
    }

    @Test
    void anUnavailableBackendEndsTheRunWithAVerdictSayingWhy(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("r.json");
        int code = DeviceCheck.run(new String[] {"--backend", "no-such-backend", "--quick", "--out", out.toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertThat(code).isOne();
        JsonObject results = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
        assertThat(results.getAsJsonObject("summary").get("verdict").getAsString())
                .startsWith("backend unavailable").contains("no such backend");
        assertThat(results.get("finished").getAsBoolean()).isTrue();
    }

    @Test
    void theSevenBShapedToleranceIsTwiceTheCpuKernelsOwnDifferenceWhenThatIsLarger() {
        Comparisons.Tolerance usual = Comparisons.Tolerance.forType("q8_0");
        JsonObject far = new JsonObject();
        far.addProperty("max_difference", 0.2);
        far.addProperty("mean_difference", 0.1);
        assertThat(DeviceCheck.shapedTolerance(usual, far)).isEqualTo(new Comparisons.Tolerance(0.4, 0.2));
        JsonObject near = new JsonObject();
        near.addProperty("max_difference", 0.05);
        near.addProperty("mean_difference", 0.01);
        assertThat(DeviceCheck.shapedTolerance(usual, near)).isEqualTo(usual);
    }

    @Test
    void badOptionsAreRefusedWithTheirName() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DeviceCheck.Options.parse(new String[] {"--layers", "0"}))
                .hasMessageContaining("--layers");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DeviceCheck.Options.parse(new String[] {"--frobnicate"}))
                .hasMessageContaining("--frobnicate");
    }
}
