package org.replique.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.replique.server.hub.HubSettings;
import org.replique.server.hub.RetryPolicy;
import org.replique.fixtures.hub.FakeHub;

/** {@code replique pull} as a person reads it: the licence, what was fetched, how to use it; clear errors. */
class PullCommandTest {
    @TempDir
    Path tmp;
    private FakeHub hub;

    private record Run(int exit, String out, String err) {}

    @BeforeEach
    void start() throws Exception {
        hub = FakeHub.sample();
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private Run pull(String... args) {
        PullCommand command = new PullCommand();
        command.settings = new HubSettings(hub.endpoint(), null, tmp.resolve("hub"));
        command.policy = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(4), Duration.ofMillis(10),
                Duration.ofSeconds(5), Duration.ofSeconds(20), d -> {});
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Replique.commandLine(command);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void pullStatesTheLicenceAndHowToUseTheModel() {
        Run r = pull("OpenLLM-France/Claire-Mini");

        assertThat(r.exit).isZero();
        assertThat(r.out).contains("OpenLLM-France/Claire-Mini at main (commit " + FakeHub.COMMIT.substring(0, 12) + "): 4 files")
                .contains("Licence: CC BY-NC-SA 4.0 (the model card's 'license: cc-by-nc-sa-4.0')")
                .contains("4 files in " + tmp.resolve("hub/models--OpenLLM-France--Claire-Mini/snapshots/" + FakeHub.COMMIT)
                        .toAbsolutePath())
                .contains("(4 downloaded, 0 already there)")
                .contains("replique generate -m OpenLLM-France/Claire-Mini");
        // Not a terminal: one line per file, no progress bar redrawn with carriage returns.
        assertThat(r.err).contains("verified claire-mini.Q4_K_M.gguf (sha256)").contains("verified config.json (git blob hash)")
                .doesNotContain("\r");

        Run again = pull("OpenLLM-France/Claire-Mini");
        assertThat(again.out).contains("(0 downloaded, 4 already there)");
        assertThat(again.err).contains("present  claire-mini.Q4_K_M.gguf");
    }

    @Test
    void aModelCardWithoutLicenceIsSaidSo() {
        hub.license = null;
        assertThat(pull("OpenLLM-France/Claire-Mini", "--include", "*.json").out)
                .contains("Licence: the model card names none");
    }

    @Test
    void includeAndLocalDirWritePlainFiles() throws Exception {
        Path dir = tmp.resolve("claire");
        Run r = pull("OpenLLM-France/Claire-Mini", "--include", "*.gguf", "--local-dir", dir.toString());

        assertThat(r.exit).isZero();
        assertThat(Files.readAllBytes(dir.resolve("claire-mini.Q4_K_M.gguf"))).isEqualTo(hub.files.get("claire-mini.Q4_K_M.gguf"));
        assertThat(dir.resolve("config.json")).doesNotExist();
        assertThat(r.out).contains("replique generate -m " + dir.toAbsolutePath());
    }

    @Test
    void errorsAreOneClearLine() {
        Run unknown = pull("OpenLLM-France/Nope");
        assertThat(unknown.exit).isEqualTo(2);
        assertThat(unknown.err.strip()).startsWith("replique: OpenLLM-France/Nope: not found on " + hub.endpoint())
                .doesNotContain("Exception");

        Run badName = pull("Claire");
        assertThat(badName.exit).isEqualTo(2);
        assertThat(badName.err).contains("expected OWNER/NAME");

        hub.inject("claire-mini.Q4_K_M.gguf", FakeHub.Fault.CORRUPT);
        Run corrupt = pull("OpenLLM-France/Claire-Mini");
        assertThat(corrupt.exit).isEqualTo(2);
        assertThat(corrupt.err).contains("replique: claire-mini.Q4_K_M.gguf: sha256 mismatch");
    }

    @Test
    void sizesReadAsPeopleWriteThem() {
        assertThat(PullCommand.size(120)).isEqualTo("120 B");
        assertThat(PullCommand.size(700_001)).isEqualTo("683.6 KiB");
        assertThat(PullCommand.size(4_368_439_296L)).isEqualTo("4.1 GiB");
    }
}
