package org.replique.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One JSON for a device run: the system, the device lists, every backend's results and a summary. */
class MergeResultsTest {

    @Test
    void runsAreGatheredWithTheirSummariesAndAnUnreadableOneIsKept(@TempDir Path dir) throws Exception {
        Results opencl = new Results(dir.resolve("opencl.json"), "opencl");
        opencl.step("stories260K-f32").pass(true);
        opencl.summary("verdict", "pass");
        opencl.finish();
        Path broken = dir.resolve("ptx.json");
        Files.writeString(broken, "{\"label\": \"ptx\", \"steps\": [");
        Files.writeString(dir.resolve("system.txt"), "gpu: NVIDIA H100\n");
        Files.writeString(dir.resolve("devices.txt"), "Tornado device=0:0\n");
        Path out = dir.resolve("device-results.json");

        MergeResults.main(new String[] {"--out", out.toString(), "--system", dir.resolve("system.txt").toString(),
                "--devices", "opencl=" + dir.resolve("devices.txt"), dir.resolve("opencl.json").toString(),
                broken.toString()});

        JsonObject merged = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
        assertThat(merged.get("schema").getAsString()).isEqualTo(MergeResults.SCHEMA);
        assertThat(merged.get("system").getAsString()).isEqualTo("gpu: NVIDIA H100");
        assertThat(merged.getAsJsonObject("devices").get("opencl").getAsString()).contains("device=0:0");
        assertThat(merged.getAsJsonArray("runs")).hasSize(2);
        assertThat(merged.getAsJsonObject("summary").getAsJsonObject("opencl").get("verdict").getAsString())
                .isEqualTo("pass");
        assertThat(merged.getAsJsonObject("summary").getAsJsonObject("opencl").get("finished").getAsBoolean()).isTrue();
        assertThat(merged.getAsJsonArray("runs").get(1).getAsJsonObject().get("unreadable").getAsString()).isNotEmpty();
    }
}
