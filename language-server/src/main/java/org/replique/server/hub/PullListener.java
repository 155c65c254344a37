package org.replique.server.hub;

import java.time.Duration;
import java.util.List;

/** What a pull tells as it goes: the repository, each file reused or downloaded, retries. */
public interface PullListener {
    PullListener NONE = new PullListener() {};

    /** The revision is resolved and the files to fetch are chosen. */
    default void repository(RepoInfo info, List<RepoFile> selected) {}

    /** Files left out without {@code --include}: weights in formats the engine does not read. */
    default void skipped(List<RepoFile> files) {}

    /** A file already on disk: in the snapshot, or (when {@code linked}) as a blob another commit downloaded. */
    default void reused(RepoFile file, boolean linked) {}

    /** A download starts, resuming after {@code resumedFrom} bytes already on disk. */
    default Transfer downloading(RepoFile file, long resumedFrom) {
        return Transfer.NONE;
    }

    /** A request failed in a way worth retrying; the next try comes after {@code wait}. */
    default void retrying(String what, int failures, String reason, Duration wait) {}

    /** A download's bytes matched the hub's hash and the file has its final name. */
    default void verified(RepoFile file) {}

    /** The bytes of one download. {@link #advanced} is called from the HTTP client's threads. */
    interface Transfer {
        Transfer NONE = bytes -> {};

        void advanced(long bytes);

        /** The file on disk now holds {@code position} bytes (a retry resumed, or the server made us start over). */
        default void restartedAt(long position) {}

        default void close() {}
    }
}
