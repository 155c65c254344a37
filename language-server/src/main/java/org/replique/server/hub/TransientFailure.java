package org.replique.server.hub;

import java.io.IOException;
import java.time.Duration;

/**
 * A failure worth another try: the hub or its CDN answered 408, 429 or 5xx, or a transfer went
 * silent. {@code retryAfter} is the wait the server asked for, or null.
 */
final class TransientFailure extends IOException {
    private final transient Duration retryAfter;

    TransientFailure(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    Duration retryAfter() {
        return retryAfter;
    }
}
