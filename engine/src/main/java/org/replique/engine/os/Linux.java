package org.replique.engine.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The few Linux memory and scheduling calls the CPU backend uses, made through the JDK's foreign
 * function linker on the C library (no native code of ours): anonymous mappings with transparent
 * huge pages, {@code madvise}, dropping a file's cached pages, pinning a thread to a CPU.
 *
 * <p>Everything here is an optimisation: {@link #available()} is false on other systems (or when
 * the JVM denies native access), and callers then keep the portable path. Failed calls return the
 * C library's {@code errno} instead of throwing, for the same reason.
 */
public final class Linux {
    /** {@code madvise} advice values (asm-generic/mman-common.h). */
    public static final int MADV_SEQUENTIAL = 2;
    public static final int MADV_WILLNEED = 3;
    /** On a file mapping: unmaps the pages from this process (they come back from the file if touched). */
    public static final int MADV_DONTNEED = 4;
    public static final int MADV_HUGEPAGE = 14;
    public static final int MADV_COLLAPSE = 25;
    /** {@code posix_fadvise} advice values. */
    public static final int POSIX_FADV_SEQUENTIAL = 2;
    public static final int POSIX_FADV_DONTNEED = 4;
    /** The size transparent huge pages have on x86-64 and on arm64 with 4 KiB pages. */
    public static final long HUGE_PAGE = 2L << 20;

    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int MAP_PRIVATE = 2;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final int MAP_NORESERVE = 0x4000;
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final long PAGE = 4096;

    private static final Calls CALLS = Calls.link();

    private Linux() {}

    /** Whether these calls can be made here: Linux on x86-64 or arm64, with native access allowed. */
    public static boolean available() {
        return CALLS != null;
    }

    /**
     * A new private anonymous mapping of {@code bytes} (rounded up to whole huge pages), aligned to
     * {@link #HUGE_PAGE} and advised {@code MADV_HUGEPAGE} before any page is touched, so that
     * the kernel backs it with 2 MiB pages as it is first written. Zero-filled. Unmapped when
     * {@code arena} closes.
     */
    public static MemorySegment hugePageMemory(long bytes, Arena arena) {
        Calls c = require();
        long size = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
        long reserved = size + HUGE_PAGE;
        try (Arena local = Arena.ofConfined()) {
            MemorySegment state = local.allocate(Calls.STATE);
            MemorySegment start = (MemorySegment) c.mmap.invokeExact(state, MemorySegment.NULL, reserved,
                    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0L);
            if (start.address() == -1L) {
                throw new OutOfMemoryError("cannot map " + size + " bytes of anonymous memory (errno "
                        + errno(state) + ")");
            }
            // Give back the unaligned head and tail, keeping [aligned, aligned + size).
            long aligned = (start.address() + HUGE_PAGE - 1) & -HUGE_PAGE;
            long head = aligned - start.address();
            if (head > 0) munmap(c, start.address(), head);
            long tail = reserved - head - size;
            if (tail > 0) munmap(c, aligned + size, tail);
            // Without THP support (EINVAL) the memory still works, with small pages.
            int ignored = (int) c.madvise.invokeExact(state, MemorySegment.ofAddress(aligned), size, MADV_HUGEPAGE);
            return MemorySegment.ofAddress(aligned).reinterpret(size, arena, s -> munmap(CALLS, s.address(), size));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code madvise} over the pages {@code segment} touches; 0 or the errno. */
    public static int madvise(MemorySegment segment, int advice) {
        Calls c = require();
        long from = segment.address() & -PAGE;
        long length = segment.address() + segment.byteSize() - from;
        try (Arena local = Arena.ofConfined()) {
            MemorySegment state = local.allocate(Calls.STATE);
            int rc = (int) c.madvise.invokeExact(state, MemorySegment.ofAddress(from), length, advice);
            return rc == 0 ? 0 : errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code posix_fadvise} on {@code [offset, offset + length)} of the file at {@code path}; 0 or the error. */
    public static int fadvise(Path path, long offset, long length, int advice) {
        Calls c = require();
        try (Arena local = Arena.ofConfined()) {
            MemorySegment state = local.allocate(Calls.STATE);
            MemorySegment name = local.allocateFrom(path.toString(), StandardCharsets.UTF_8);
            int fd = (int) c.open.invokeExact(state, name, O_RDONLY | O_CLOEXEC, 0);
            if (fd < 0) return errno(state);
            try {
                return (int) c.fadvise.invokeExact(fd, offset, length, advice);
            } finally {
                int ignored = (int) c.close.invokeExact(fd);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Pins the calling thread to CPU {@code cpu}; 0 or the errno. */
    public static int pinCurrentThread(int cpu) {
        Calls c = require();
        try (Arena local = Arena.ofConfined()) {
            MemorySegment state = local.allocate(Calls.STATE);
            long words = Math.max(16, cpu / 64 + 1);
            MemorySegment mask = local.allocate(8 * words, 8);
            mask.set(ValueLayout.JAVA_LONG, 8L * (cpu / 64), 1L << (cpu % 64));
            int rc = (int) c.setAffinity.invokeExact(state, 0, 8 * words, mask);
            return rc == 0 ? 0 : errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The CPUs the calling thread may run on, or empty when they cannot be read. */
    public static Optional<int[]> allowedCpus() {
        Calls c = require();
        try (Arena local = Arena.ofConfined()) {
            MemorySegment state = local.allocate(Calls.STATE);
            int words = 16;
            MemorySegment mask = local.allocate(8L * words, 8);
            int rc = (int) c.getAffinity.invokeExact(state, 0, 8L * words, mask);
            if (rc != 0) return Optional.empty();
            int count = 0;
            for (int w = 0; w < words; w++) count += Long.bitCount(mask.getAtIndex(ValueLayout.JAVA_LONG, w));
            int[] cpus = new int[count];
            int i = 0;
            for (int cpu = 0; cpu < 64 * words; cpu++) {
                if ((mask.getAtIndex(ValueLayout.JAVA_LONG, cpu / 64) & (1L << (cpu % 64))) != 0) cpus[i++] = cpu;
            }
            return Optional.of(cpus);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static void munmap(Calls c, long address, long length) {
        try {
            int ignored = (int) c.munmap.invokeExact(MemorySegment.ofAddress(address), length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static int errno(MemorySegment state) {
        return state.get(ValueLayout.JAVA_INT, Calls.STATE.byteOffset(MemoryLayout.PathElement.groupElement("errno")));
    }

    private static Calls require() {
        if (CALLS == null) throw new UnsupportedOperationException("Linux memory calls are not available here");
        return CALLS;
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException e) return e;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    /** The linked functions, or null where they cannot be linked. */
    private record Calls(MethodHandle mmap, MethodHandle munmap, MethodHandle madvise, MethodHandle open,
                         MethodHandle close, MethodHandle fadvise, MethodHandle setAffinity, MethodHandle getAffinity) {
        static final StructLayout STATE = Linker.Option.captureStateLayout();

        static Calls link() {
            try {
                String os = System.getProperty("os.name", "");
                String arch = System.getProperty("os.arch", "");
                if (!os.equals("Linux") || !(arch.equals("amd64") || arch.equals("aarch64"))) return null;
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                Linker.Option errno = Linker.Option.captureCallState("errno");
                ValueLayout.OfLong size = ValueLayout.JAVA_LONG;
                ValueLayout.OfInt i32 = ValueLayout.JAVA_INT;
                ValueLayout address = ValueLayout.ADDRESS;
                return new Calls(
                        linker.downcallHandle(libc.find("mmap").orElseThrow(),
                                FunctionDescriptor.of(address, address, size, i32, i32, i32, size), errno),
                        linker.downcallHandle(libc.find("munmap").orElseThrow(),
                                FunctionDescriptor.of(i32, address, size)),
                        linker.downcallHandle(libc.find("madvise").orElseThrow(),
                                FunctionDescriptor.of(i32, address, size, i32), errno),
                        linker.downcallHandle(libc.find("open").orElseThrow(),
                                FunctionDescriptor.of(i32, address, i32, i32), errno, Linker.Option.firstVariadicArg(2)),
                        linker.downcallHandle(libc.find("close").orElseThrow(), FunctionDescriptor.of(i32, i32)),
                        linker.downcallHandle(libc.find("posix_fadvise").orElseThrow(),
                                FunctionDescriptor.of(i32, i32, size, size, i32)),
                        linker.downcallHandle(libc.find("sched_setaffinity").orElseThrow(),
                                FunctionDescriptor.of(i32, i32, size, address), errno),
                        linker.downcallHandle(libc.find("sched_getaffinity").orElseThrow(),
                                FunctionDescriptor.of(i32, i32, size, address), errno));
            } catch (RuntimeException | LinkageError e) {
                // No C library to link against, or native access denied: the portable paths remain.
                return null;
            }
        }
    }
}
