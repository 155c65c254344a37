package org.replique.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The results file is complete JSON at every moment, so a run cut off anywhere says how far it got. */
class ResultsTest {

    private static JsonObject read(Path file) throws Exception {
        return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    }

    @Test
    void aRunningStepIsAlreadyInTheFileAndFinishedStaysFalseUntilTheEnd(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("r.json");
        Results r = new Results(file, "opencl");
        assertThat(read(file).get("schema").getAsString()).isEqualTo(Results.SCHEMA);
        assertThat(read(file).get("finished").getAsBoolean()).isFalse();

        Results.Step step = r.step("stories260K-f32");
        JsonObject running = read(file).getAsJsonArray("steps").get(0).getAsJsonObject();
        assertThat(running.get("status").getAsString()).isEqualTo("running");

        step.put("identical_to_cpu", true).pass(true);
        r.finish();
        JsonObject done = read(file);
        assertThat(done.get("finished").getAsBoolean()).isTrue();
        JsonObject recorded = done.getAsJsonArray("steps").get(0).getAsJsonObject();
        assertThat(recorded.get("status").getAsString()).isEqualTo("pass");
        assertThat(recorded.get("identical_to_cpu").getAsBoolean()).isTrue();
        assertThat(recorded.has("seconds")).isTrue();
        assertThat(done.get("label").getAsString()).isEqualTo("opencl");
        assertThat(Files.list(dir)).as("no temporary file left behind").containsExactly(file);
    }

    @Test
    void errorsSkipsAndFailuresAreCountedAndExplained(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("r.json");
        Results r = new Results(file, "ptx");
        r.step("a").error(new IllegalStateException("no device", new UnsatisfiedLinkError("libcuda.so.1")));
        r.step("b").skip("out of time");
        r.step("c").pass(false);
        r.step("d").pass(true);
        assertThat(r.count("error")).isOne();
        assertThat(r.count("skipped")).isOne();
        assertThat(r.count("fail")).isOne();
        assertThat(r.count("pass")).isOne();
        JsonObject a = read(file).getAsJsonArray("steps").get(0).getAsJsonObject();
        assertThat(a.get("error").getAsString()).contains("no device");
        assertThat(a.get("cause").getAsString()).contains("libcuda.so.1");
        assertThat(a.getAsJsonArray("at")).isNotEmpty();
        assertThat(read(file).getAsJsonArray("steps").get(1).getAsJsonObject().get("reason").getAsString())
                .isEqualTo("out of time");
    }

    @Test
    void nonFiniteFiguresAreWrittenRatherThanFailingTheRun(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("r.json");
        Results r = new Results(file, "x");
        r.step("speed").put("decode_tok_s", Double.NaN).pass(true);
        assertThat(Files.readString(file)).contains("\"decode_tok_s\": NaN");
    }
}
