package org.replique.server.hub;

/**
 * A model repository that cannot be pulled or found, with what is wrong. The kind lets callers
 * (and tests) tell the cases apart without parsing the message; the message names the repository
 * or the file and says what to do.
 */
public final class HubException extends RuntimeException {

    public enum Kind {
        /** The repository, revision or file does not exist on the hub. */
        NOT_FOUND,
        /** The hub wants a token (private or gated repository, or an unknown one seen anonymously). */
        UNAUTHORIZED,
        /** A gated repository whose conditions the token's account has not accepted. */
        GATED,
        /** A repository file name that would leave the target folder. */
        UNSAFE_FILE_NAME,
        /** Downloaded bytes that do not match the hash the hub lists. */
        INTEGRITY,
        /** The network failed and retries did not help; the partial download is kept for the next try. */
        NETWORK,
        /** The hub answered something that is not its protocol (bad JSON, missing fields, odd status). */
        PROTOCOL,
        /** Another process is downloading the same file. */
        BUSY,
        /** Local disk trouble: cannot write, move or link. */
        IO,
        /** {@code -m OWNER/NAME} for a model that is not in the cache. */
        NOT_CACHED,
        /** {@code -m OWNER/NAME} whose snapshot holds several GGUF files and no preferred one. */
        AMBIGUOUS_MODEL,
        /** {@code --include} patterns that match no file of the repository. */
        NO_MATCHING_FILES
    }

    private final Kind kind;

    public HubException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public HubException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
