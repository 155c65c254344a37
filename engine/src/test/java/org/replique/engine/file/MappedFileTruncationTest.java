package org.replique.engine.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.replique.fixtures.Fixtures;

/**
 * A model file truncated on disk while its weights are being read through the mapping — the
 * operating system faults the read (SIGBUS) — is an {@link ModelFileChangedException}, never a
 * JVM crash, with the kernels compiled by C2 as in a long-running server: each weight type, with
 * the Vector API kernels and the scalar ones. Each case runs in a JVM of its own (a crash would
 * otherwise take the test run down) that compiles with C2 only, so the kernels reach their
 * optimized form within seconds.
 */
class MappedFileTruncationTest {

    @ParameterizedTest(name = "{0} with {1} kernels")
    @CsvSource({
            "models/stories260K-f32.gguf, vector",
            "models/stories260K-f16.gguf, vector",
            "models/stories260K-q8_0.gguf, vector",
            "models/stories260K-q4_0.gguf, vector",
            "models/stories260K-q4_0.gguf, scalar"})
    void aTruncatedModelFileIsAnErrorNotACrash(String fixture, String kernels, @TempDir Path dir) throws Exception {
        Path model = dir.resolve("model.gguf");
        Files.copy(Fixtures.file(fixture), model);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0", "-XX:-CreateCoredumpOnCrash",
                "-XX:ErrorFile=" + dir.resolve("hs_err.log"), "-cp", System.getProperty("java.class.path"),
                TruncatedWhileRunning.class.getName(), model.toString(), kernels, "3000"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("the probe ends").isTrue();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(Files.exists(dir.resolve("hs_err.log"))).as("no JVM crash:\n%s\n%s", output, crashReport(dir)).isFalse();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("WARM after").contains("SURVIVED: model.gguf: the file changed on disk");
    }

    private static String crashReport(Path dir) throws IOException {
        Path report = dir.resolve("hs_err.log");
        if (!Files.exists(report)) return "";
        return Files.readAllLines(report).stream().filter(l -> l.startsWith("# ") || l.startsWith("J ")).limit(20)
                .reduce("", (a, b) -> a + b + "\n");
    }
}
