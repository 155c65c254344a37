package org.replique.engine.kernel;

import java.lang.foreign.ValueLayout;

/**
 * Why every method that loads vectors from a weight mapping also reads one byte of it with a
 * plain {@code get(MappedFault.MARK, offset)}, whose value it throws away.
 *
 * <p>A mapped model file that is truncated on disk (rewritten in place, say) makes the next read
 * of a page it no longer has fault with SIGBUS. HotSpot turns that fault into an
 * {@link InternalError} ("a fault occurred in an unsafe memory access operation") when the
 * faulting code is an interpreted or C1 access, or C2-compiled code whose compilation holds a
 * plain memory-segment access — C2 flags such a compiled method as one that may fault, per
 * method. C2's intrinsic for the Vector API's {@code fromMemorySegment} does not set that flag
 * (JDK 25), so a method that only loads vectors from the mapping takes the whole JVM down when
 * its page is gone. The plain read, on the path every call takes, sets the flag for whatever
 * compiled method the loads end up in (their own, or a caller they are inlined into); C2 drops the
 * unused load itself. The engine then reports the error as a
 * {@link org.replique.engine.file.ModelFileChangedException}.
 */
final class MappedFault {
    /** The layout of the marking read. */
    static final ValueLayout.OfByte MARK = ValueLayout.JAVA_BYTE;

    private MappedFault() {}
}
