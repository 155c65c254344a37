package org.replique.server.hub;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;

/**
 * The hash of a growing download, fed as bytes are written so that verifying a multi-gigabyte
 * file costs no second read; after an interruption it catches up from the file itself, so it
 * always covers exactly the bytes on disk.
 */
final class RunningHash {
    private final ContentCheck check;
    private MessageDigest digest;
    private long covered;

    RunningHash(ContentCheck check) {
        this.check = check;
        this.digest = check.newDigest();
    }

    void reset() {
        digest = check.newDigest();
        covered = 0;
    }

    /** Feeds the remaining bytes of {@code written} (its position is left as it was). */
    void update(ByteBuffer written) {
        covered += written.remaining();
        digest.update(written.duplicate());
    }

    /** Brings the hash to the channel's current size, reading what it has not seen. */
    void catchUp(FileChannel channel) throws IOException {
        long size = channel.size();
        if (covered > size) reset();
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        while (covered < size) {
            buf.clear();
            int n = channel.read(buf, covered);
            if (n < 0) break;
            buf.flip();
            update(buf);
        }
    }

    long covered() {
        return covered;
    }

    /** The hex hash of the bytes covered; the hash starts over afterwards. */
    String finish() {
        String hex = ContentCheck.hex(digest);
        reset();
        return hex;
    }

    /** The hash of a whole file on disk. */
    static String of(java.nio.file.Path file, ContentCheck check) throws IOException {
        try (FileChannel channel = FileChannel.open(file)) {
            RunningHash h = new RunningHash(check);
            h.catchUp(channel);
            return h.finish();
        }
    }
}
