package org.replique.server.remote;

import java.time.Duration;

/**
 * Why a remote server did not answer, in words a writer can act on. Transient kinds (the server
 * unreachable, slow, busy or failing) are retried with backoff; the others need a change of
 * settings or of the server.
 */
public final class RemoteException extends RuntimeException {

    public enum Kind {
        /** No connection: refused, no route, unknown host, TLS failure. */
        UNREACHABLE(true),
        /** The server sent nothing for too long. */
        TIMEOUT(true),
        /** 401 or 403: no key, or the wrong one. */
        UNAUTHORIZED(false),
        /** 404: no such model, or no such endpoint. */
        NOT_FOUND(false),
        /** 429: too many requests. */
        RATE_LIMITED(true),
        /** 500, 502, 503, 504: failing or overloaded. */
        SERVER_ERROR(true),
        /** Another 4xx: the server refused the request as it is. */
        REJECTED(false),
        /** The answer was not the OpenAI API's. */
        PROTOCOL(false);

        private final boolean transientKind;

        Kind(boolean transientKind) {
            this.transientKind = transientKind;
        }
    }

    private final Kind kind;
    private final int status;
    private final Duration retryAfter;

    public RemoteException(Kind kind, int status, String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public RemoteException(Kind kind, String message) {
        this(kind, 0, message, null, null);
    }

    /** The kind of an HTTP error status. */
    static Kind kindOf(int status) {
        return switch (status) {
            case 401, 403 -> Kind.UNAUTHORIZED;
            case 404 -> Kind.NOT_FOUND;
            case 408 -> Kind.TIMEOUT;
            case 429 -> Kind.RATE_LIMITED;
            case 500, 502, 503, 504 -> Kind.SERVER_ERROR;
            default -> status >= 500 ? Kind.SERVER_ERROR : Kind.REJECTED;
        };
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status, or 0 when there was no answer. */
    public int status() {
        return status;
    }

    /** How long the server asked to wait ({@code Retry-After}), or null. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** Whether trying again later may succeed without a change of settings. */
    public boolean isTransient() {
        return kind.transientKind;
    }
}
