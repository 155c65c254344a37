package org.replique.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.replique.fixtures.Fixtures;
import picocli.CommandLine;

class BenchCommandTest {

    @Test
    void jsonHasTheSpeedsAndTheSetup() {
        StringWriter out = new StringWriter();
        CommandLine cl = Replique.commandLine(new Replique());
        cl.setOut(new PrintWriter(out));
        int status = cl.execute("bench", "-m", Fixtures.file("models/stories260K-q4_0.gguf").toString(),
                "-p", "9", "-n", "4", "-t", "2", "-r", "2", "--warmup", "0", "--json", "--kv-type", "f16");
        assertThat(status).isZero();
        JsonObject o = JsonParser.parseString(out.toString()).getAsJsonObject();
        assertThat(o.get("pp_tok_s").getAsDouble()).isPositive();
        assertThat(o.get("tg_tok_s").getAsDouble()).isPositive();
        assertThat(o.getAsJsonArray("pp_tok_s_runs")).hasSize(2);
        assertThat(o.getAsJsonArray("tg_tok_s_runs")).hasSize(2);
        assertThat(o.get("n_prompt").getAsInt()).isEqualTo(9);
        assertThat(o.get("n_gen").getAsInt()).isEqualTo(4);
        assertThat(o.get("threads").getAsInt()).isEqualTo(2);
        assertThat(o.get("kv_type").getAsString()).isEqualTo("f16");
        assertThat(o.get("backend").getAsString()).contains("2 threads").contains("f16 KV cache");
        assertThat(o.get("model_size_bytes").getAsLong()).isPositive();
        assertThat(o.get("gc_count").getAsLong()).isNotNegative();
        assertThat(o.get("gc_ms").getAsLong()).isNotNegative();
    }

    @Test
    void tableNamesPromptAndGenerationLines() {
        StringWriter out = new StringWriter();
        CommandLine cl = Replique.commandLine(new Replique());
        cl.setOut(new PrintWriter(out));
        int status = cl.execute("bench", "-m", Fixtures.file("models/stories260K-f32.gguf").toString(),
                "-p", "5", "-n", "3", "-r", "1", "--warmup", "0", "--kernels", "scalar");
        assertThat(status).isZero();
        assertThat(out.toString()).contains("pp5").contains("tg3").contains("scalar kernels")
                .containsPattern("(?m)^gc +\\d+ collections, \\d+ ms during the timed runs$");
    }

    @Test
    void verboseAddsWhereTheTimeWentAndTheWeightsCanBeCopiedOrMapped() {
        for (String where : new String[] {"copy", "map"}) {
            StringWriter out = new StringWriter();
            CommandLine cl = Replique.commandLine(new Replique());
            cl.setOut(new PrintWriter(out));
            int status = cl.execute("bench", "-m", Fixtures.file("models/stories260K-q4_0.gguf").toString(),
                    "-p", "6", "-n", "3", "-t", "2", "-r", "1", "--warmup", "1", "--verbose", "--json",
                    "--weights-memory", where);
            assertThat(status).isZero();
            JsonObject o = JsonParser.parseString(out.toString()).getAsJsonObject();
            assertThat(o.get("weights_memory").getAsString()).isEqualTo(where);
            String profile = o.getAsJsonArray("profile").toString();
            assertThat(profile).contains("prompt: 1 calls, 6 tokens").contains("decode: 2 calls, 2 tokens")
                    .contains("gate/up matmul");
        }
    }

    @Test
    void rejectsNonsense() {
        CommandLine cl = Replique.commandLine(new Replique());
        cl.setErr(new PrintWriter(new StringWriter()));
        assertThat(cl.execute("bench", "-m", Fixtures.file("models/stories260K-f32.gguf").toString(), "-n", "1"))
                .isNotZero();
    }
}
