package org.replique.engine.tornadovm;

import java.util.Locale;
import java.util.Optional;
import uk.ac.manchester.tornado.api.TornadoRuntime;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.TornadoVMBackendType;
import uk.ac.manchester.tornado.api.runtime.TornadoRuntimeProvider;

/**
 * TornadoVM's default device (driver 0, device 0 unless {@code -Dtornado.driver}/{@code -Dtornado.device}
 * say otherwise; {@code tornado --devices} lists them) and what the backend needs to know of it.
 */
record Device(String name, TornadoVMBackendType backend, long memoryBudget, long maxAllocation) {

    /** Why there is no usable device, or empty. Starts TornadoVM's runtime. */
    static Optional<String> problem() {
        try {
            TornadoRuntime runtime = TornadoRuntimeProvider.getTornadoRuntime();
            if (runtime == null || runtime.getNumBackends() == 0) {
                return Optional.of("TornadoVM has no backend installed (it needs its OpenCL, PTX or SPIR-V backend)");
            }
            if (runtime.getDefaultDevice() == null) {
                return Optional.of("TornadoVM found no device: check the OpenCL/CUDA driver (clinfo, nvidia-smi) "
                        + "and `tornado --devices`");
            }
            return Optional.empty();
        } catch (RuntimeException | LinkageError e) {
            return Optional.of("TornadoVM could not start: " + e);
        }
    }

    static Device open() {
        TornadoDevice d = TornadoRuntimeProvider.getTornadoRuntime().getDefaultDevice();
        // TornadoVM refuses allocations beyond -Dtornado.device.memory (4 GB by default) per device.
        long limit = parseSize(System.getProperty("tornado.device.memory", "4GB"));
        long global = d.getMaxGlobalMemory() > 0 ? d.getMaxGlobalMemory() : limit;
        long maxAllocation = d.getMaxAllocMemory() > 0 ? d.getMaxAllocMemory() : global;
        return new Device(d.getPhysicalDevice().getDeviceName(), d.getTornadoVMBackend(), Math.min(limit, global),
                maxAllocation);
    }

    /** Whether the OpenCL compiler flags apply (they do not to PTX or SPIR-V). */
    boolean openCl() {
        return backend == TornadoVMBackendType.OPENCL;
    }

    String describe() {
        return name + " (" + backend + ")";
    }

    /** {@code 4GB}, {@code 512MB}, {@code 1024}: TornadoVM's size notation. */
    static long parseSize(String text) {
        String s = text.trim().toUpperCase(Locale.ROOT);
        long unit = 1;
        if (s.endsWith("GB")) unit = 1L << 30;
        else if (s.endsWith("MB")) unit = 1L << 20;
        else if (s.endsWith("KB")) unit = 1L << 10;
        String digits = unit == 1 ? s : s.substring(0, s.length() - 2);
        return Long.parseLong(digits.trim()) * unit;
    }
}
