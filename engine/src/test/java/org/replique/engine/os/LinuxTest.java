package org.replique.engine.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The C library calls, on the system they are for (elsewhere {@link Linux#available()} is false and they are skipped). */
class LinuxTest {

    @Test
    void availableExactlyOnLinux() {
        boolean linux = System.getProperty("os.name").equals("Linux")
                && (System.getProperty("os.arch").equals("amd64") || System.getProperty("os.arch").equals("aarch64"));
        assertThat(Linux.available()).isEqualTo(linux);
    }

    @Test
    void hugePageMemoryIsAlignedZeroedWritableAndUnmappedWithItsArena() {
        assumeTrue(Linux.available(), "Linux only");
        MemorySegment memory;
        try (Arena arena = Arena.ofConfined()) {
            memory = Linux.hugePageMemory(3 * Linux.HUGE_PAGE + 5, arena);
            assertThat(memory.address() % Linux.HUGE_PAGE).isZero();
            assertThat(memory.byteSize()).isEqualTo(4 * Linux.HUGE_PAGE);
            assertThat(memory.get(ValueLayout.JAVA_LONG, 12345 * 8)).isZero();
            memory.set(ValueLayout.JAVA_LONG, memory.byteSize() - 8, 42L);
            assertThat(memory.get(ValueLayout.JAVA_LONG, memory.byteSize() - 8)).isEqualTo(42L);
            assertThat(Linux.madvise(memory, Linux.MADV_WILLNEED)).isZero();
        }
        MemorySegment closed = memory;
        assertThatThrownBy(() -> closed.get(ValueLayout.JAVA_LONG, 0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void madviseReportsTheErrorOfAnUnknownAdvice() {
        assumeTrue(Linux.available(), "Linux only");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = Linux.hugePageMemory(Linux.HUGE_PAGE, arena);
            assertThat(Linux.madvise(memory, 9999)).as("EINVAL").isEqualTo(22);
        }
    }

    @Test
    void fadviseOnAFileAndOnNoFile(@TempDir Path dir) throws Exception {
        assumeTrue(Linux.available(), "Linux only");
        Path file = Files.write(dir.resolve("f"), new byte[8192]);
        assertThat(Linux.fadvise(file, 0, 0, Linux.POSIX_FADV_DONTNEED)).isZero();
        assertThat(Linux.fadvise(dir.resolve("missing"), 0, 0, Linux.POSIX_FADV_DONTNEED)).as("ENOENT").isEqualTo(2);
    }

    @Test
    void aThreadPinnedToOneOfItsCpusRunsOnlyThere() throws Exception {
        assumeTrue(Linux.available(), "Linux only");
        int[] allowed = Linux.allowedCpus().orElseThrow();
        assertThat(allowed).isNotEmpty();
        AtomicReference<int[]> after = new AtomicReference<>();
        AtomicReference<Integer> rc = new AtomicReference<>();
        // A thread of its own: pinning is for good.
        Thread t = new Thread(() -> {
            rc.set(Linux.pinCurrentThread(allowed[allowed.length - 1]));
            after.set(Linux.allowedCpus().orElseThrow());
        });
        t.start();
        t.join();
        assertThat(rc.get()).isZero();
        assertThat(after.get()).containsExactly(allowed[allowed.length - 1]);
    }
}
