package org.replique.server.documents;

/**
 * A place in an open document that follows the writer's edits, as an editor's marker does: text
 * inserted or deleted before it moves it, text typed exactly at it stays after it, and a deletion
 * around it brings it to the deletion's start. A command that writes into the document after a
 * long generation inserts at its anchor, not at the position the document had when it started.
 * Created and released by {@link DocumentStore}; moved only under the store's lock.
 */
public final class Anchor {
    private final String uri;
    private int offset;
    private boolean lost;

    Anchor(String uri, int offset) {
        this.uri = uri;
        this.offset = offset;
    }

    public String uri() {
        return uri;
    }

    /** Moves the anchor past a change that replaced {@code [start, end)} with {@code inserted} characters. */
    void replaced(int start, int end, int inserted) {
        if (offset <= start) return;
        offset = offset < end ? start : offset + inserted - (end - start);
    }

    /** The document was closed or opened anew, or the anchor released: the place no longer exists. */
    void lose() {
        lost = true;
    }

    boolean lost() {
        return lost;
    }

    int offset() {
        return offset;
    }
}
