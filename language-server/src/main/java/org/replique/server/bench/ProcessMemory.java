package org.replique.server.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * This process's resident memory, from Linux's {@code /proc/self/status}: anonymous memory (the
 * Java heap, thread stacks, native buffers: what the engine allocates) apart from file-backed
 * pages (the mapped model, shared with the page cache).
 *
 * @param residentAnonBytes {@code RssAnon}
 * @param residentFileBytes {@code RssFile}
 * @param peakResidentBytes {@code VmHWM}, the high-water mark of the whole resident set
 */
public record ProcessMemory(long residentAnonBytes, long residentFileBytes, long peakResidentBytes) {

    /** The current figures, or empty where {@code /proc} is not there (macOS, Windows). */
    public static Optional<ProcessMemory> read() {
        return read(Path.of("/proc/self/status"));
    }

    static Optional<ProcessMemory> read(Path status) {
        try {
            long anon = -1;
            long file = -1;
            long peak = -1;
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("RssAnon:")) anon = kilobytes(line);
                else if (line.startsWith("RssFile:")) file = kilobytes(line);
                else if (line.startsWith("VmHWM:")) peak = kilobytes(line);
            }
            return anon < 0 || file < 0 ? Optional.empty() : Optional.of(new ProcessMemory(anon, file, peak));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** {@code "RssAnon:    1234 kB"} → bytes. */
    private static long kilobytes(String line) {
        String[] parts = line.split("\\s+");
        return Long.parseLong(parts[1]) * 1024;
    }
}
