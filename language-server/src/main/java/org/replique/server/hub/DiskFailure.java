package org.replique.server.hub;

import java.io.IOException;

/** Writing a download to disk failed: not a network problem, so retrying the request will not help. */
final class DiskFailure extends IOException {
    DiskFailure(String message, IOException cause) {
        super(message, cause);
    }
}
