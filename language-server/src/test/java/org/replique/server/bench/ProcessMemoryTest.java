package org.replique.server.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessMemoryTest {

    @Test
    void readsAnonymousFileAndPeakResidentMemory(@TempDir Path dir) throws IOException {
        Path status = dir.resolve("status");
        Files.writeString(status, """
                Name:\tjava
                VmPeak:\t 9000000 kB
                VmHWM:\t  2048000 kB
                VmRSS:\t  1536000 kB
                RssAnon:\t   512000 kB
                RssFile:\t  1024000 kB
                RssShmem:\t       0 kB
                """);
        ProcessMemory m = ProcessMemory.read(status).orElseThrow();
        assertThat(m.residentAnonBytes()).isEqualTo(512000L * 1024);
        assertThat(m.residentFileBytes()).isEqualTo(1024000L * 1024);
        assertThat(m.peakResidentBytes()).isEqualTo(2048000L * 1024);
    }

    @Test
    void emptyWhenTheFileIsMissingOrIncomplete(@TempDir Path dir) throws IOException {
        assertThat(ProcessMemory.read(dir.resolve("missing"))).isEmpty();
        Path status = dir.resolve("status");
        Files.writeString(status, "Name:\tjava\nVmRSS:\t 10 kB\n");
        assertThat(ProcessMemory.read(status)).isEmpty();
    }
}
