package org.replique.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuTopologyTest {

    @Test
    void countsHyperThreadsOfOneCoreOnce(@TempDir Path sys) throws IOException {
        // Two packages, two cores each, two threads per core: 8 CPUs, 4 cores.
        int cpu = 0;
        for (int pkg = 0; pkg < 2; pkg++) {
            for (int core = 0; core < 2; core++) {
                for (int thread = 0; thread < 2; thread++) {
                    Path t = Files.createDirectories(sys.resolve("cpu" + cpu++).resolve("topology"));
                    Files.writeString(t.resolve("physical_package_id"), pkg + "\n");
                    Files.writeString(t.resolve("core_id"), core + "\n");
                }
            }
        }
        assertThat(CpuTopology.linuxCores(sys, 8)).isEqualTo(4);
    }

    @Test
    void unreadableTopologyGivesZero(@TempDir Path sys) throws IOException {
        Files.createDirectories(sys.resolve("cpu0").resolve("topology"));
        assertThat(CpuTopology.linuxCores(sys, 2)).isZero();
        assertThat(CpuTopology.linuxCores(sys.resolve("missing"), 2)).isZero();
    }

    @Test
    void thisMachineHasAtLeastOneCoreAndNoMoreThanItsProcessors() {
        assertThat(CpuTopology.physicalCores()).isBetween(1, Runtime.getRuntime().availableProcessors());
    }
}
