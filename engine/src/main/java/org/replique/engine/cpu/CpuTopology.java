package org.replique.engine.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * How many compute threads to use by default: one per physical core. Hyper-threads share a core's
 * vector units, and decoding is limited by memory bandwidth that more threads do not add, so extra
 * threads only add synchronization. On Linux the cores come from sysfs (distinct package and core
 * ids), capped by {@link Runtime#availableProcessors()}, which follows CPU affinity and container
 * limits; elsewhere, or when sysfs cannot be read, it is {@code availableProcessors()} alone.
 */
public final class CpuTopology {
    private CpuTopology() {}

    public static int physicalCores() {
        int available = Runtime.getRuntime().availableProcessors();
        int cores = linuxCores(Path.of("/sys/devices/system/cpu"), available);
        return cores > 0 ? Math.min(cores, available) : available;
    }

    /**
     * Distinct (package, core) pairs among the CPUs listed under {@code cpuDir}, or 0 when they
     * cannot be read; scans at most the first {@code limit} × 2 CPUs, enough for SMT-2.
     */
    static int linuxCores(Path cpuDir, int limit) {
        Set<String> cores = new HashSet<>();
        for (int cpu = 0; cpu < 2 * limit + 64; cpu++) {
            Path topology = cpuDir.resolve("cpu" + cpu).resolve("topology");
            if (!Files.isDirectory(topology)) continue;
            try {
                String pkg = Files.readString(topology.resolve("physical_package_id")).trim();
                String core = Files.readString(topology.resolve("core_id")).trim();
                cores.add(pkg + ":" + core);
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }
        return cores.size();
    }
}
