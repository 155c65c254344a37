package org.replique.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundle's launcher, run.sh, in an unpacked bundle whose {@code jdk/bin/java} is a stand-in for
 * the machine (it prints a canned TornadoVM device list, and runs everything else on this JVM
 * without TornadoVM): the argument file is rewritten for the folder the bundle is in, the NVIDIA
 * ICD file is put beside the system's, the NVIDIA GPU is chosen from the device list, and one
 * results JSON comes out, saying why the check could not run here. The scripts also parse.
 */
class RunScriptTest {
    private static final String DEVICES = """
            Number of Tornado drivers: 1
            Driver: OpenCL
              Total number of OpenCL devices  : 2
              Tornado device=0:0  (DEFAULT)
            \tOPENCL --  [Portable Computing Language] -- pthread-haswell
              Tornado device=0:1
            \tOPENCL --  [NVIDIA CUDA] -- NVIDIA H100 80GB HBM3
            """;

    private static final String FAKE_JAVA = """
            #!/usr/bin/env bash
            printf '%s\\n' "$*" >> "$FAKE_LOG"
            for a in "$@"; do
              [ "$a" = uk.ac.manchester.tornado.drivers.TornadoDeviceQuery ] && { cat "$FAKE_DEVICES"; exit 0; }
            done
            args=(); skip=0
            for a in "$@"; do
              if [ "$skip" = 1 ]; then skip=0; continue; fi
              case "$a" in @*) ;; -cp) skip=1 ;; *) args+=("$a") ;; esac
            done
            exec "$REAL_JAVA" -cp "$REAL_CP" "${args[@]}"
            """;

    private static int bash(Path dir, Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("output.txt").toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("finished in time").isTrue();
        return p.exitValue();
    }

    @Test
    void theScriptsParse(@TempDir Path dir) throws Exception {
        assertThat(bash(dir, Map.of(), "bash", "-n", Path.of("run.sh").toAbsolutePath().toString())).isZero();
        assertThat(bash(dir, Map.of(), "bash", "-n", Path.of("bundle.sh").toAbsolutePath().toString())).isZero();
        assertThat(bash(dir, Map.of(), "bash", Path.of("run.sh").toAbsolutePath().toString(), "--help")).isZero();
        assertThat(Files.readString(dir.resolve("output.txt"))).contains("--quick").contains("device-results.json");
    }

    @Test
    void anUnpackedBundleRunsAndWritesOneResultsFile(@TempDir Path dir) throws Exception {
        Path bundle = dir.resolve("unpacked bundle");
        Files.createDirectories(bundle.resolve("jdk/bin"));
        Files.createDirectories(bundle.resolve("tornadovm"));
        Files.createDirectories(bundle.resolve("ocl"));
        Files.createDirectories(bundle.resolve("lib"));
        Files.createDirectories(bundle.resolve("fixtures"));
        Files.copy(Path.of("run.sh"), bundle.resolve("run.sh"));
        Path java = bundle.resolve("jdk/bin/java");
        Files.writeString(java, FAKE_JAVA);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(bundle.resolve("tornadovm/argfile-opencl.template"),
                "-Djava.library.path=${TORNADOVM_HOME}/lib\n--module-path .:${TORNADOVM_HOME}/share/java/tornado\n");
        Files.writeString(bundle.resolve("ocl/nvidia.icd"), "libnvidia-opencl.so.1\n");
        Files.writeString(bundle.resolve("MANIFEST.txt"), "built: now\n");
        Files.writeString(dir.resolve("devices.txt"), DEVICES);
        Path out = dir.resolve("out");
        Path work = dir.resolve("work");

        int code = bash(dir, Map.of("OUT", out.toString(), "REPLIQUE_DEVICE_WORK", work.toString(),
                "FAKE_LOG", dir.resolve("java.log").toString(), "FAKE_DEVICES", dir.resolve("devices.txt").toString(),
                "REAL_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "REAL_CP", System.getProperty("java.class.path")),
                "bash", bundle.resolve("run.sh").toString(), "--quick", "--budget", "120");

        String output = Files.readString(dir.resolve("output.txt"));
        assertThat(code).as(output).isOne();
        String argfile = Files.readString(work.resolve("argfile-opencl"), StandardCharsets.UTF_8);
        Path tornado = bundle.resolve("tornadovm");
        assertThat(argfile).contains("-Djava.library.path=" + tornado + "/lib")
                .contains("--module-path " + tornado + "/share/java/tornado").doesNotContain(".:").doesNotContain("${");
        assertThat(Files.readString(work.resolve("icd/nvidia.icd")).strip()).isEqualTo("libnvidia-opencl.so.1");

        List<String> calls = Files.readAllLines(dir.resolve("java.log"));
        String check = calls.stream().filter(c -> c.contains("org.replique.device.DeviceCheck")).findFirst().orElseThrow();
        assertThat(check).contains("@" + work.resolve("argfile-opencl"))
                .contains("-Dtornado.backend=0 -Dtornado.device=1").contains("--quick").contains("--label opencl");
        assertThat(Files.readString(out.resolve("devices-opencl.txt"))).contains("NVIDIA H100");

        JsonObject results = JsonParser.parseString(Files.readString(out.resolve("device-results.json"))).getAsJsonObject();
        assertThat(results.get("schema").getAsString()).isEqualTo(MergeResults.SCHEMA);
        assertThat(results.get("system").getAsString()).contains("host:");
        assertThat(results.getAsJsonObject("devices").get("opencl").getAsString()).contains("NVIDIA H100");
        assertThat(results.getAsJsonObject("summary").getAsJsonObject("opencl").get("verdict").getAsString())
                .startsWith("backend unavailable");
        assertThat(output).contains("opencl: device check").contains("results: " + out.resolve("device-results.json"));
    }
}
