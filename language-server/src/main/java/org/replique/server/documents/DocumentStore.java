package org.replique.server.documents;

import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;

/**
 * The open documents, as the client last described them (incremental sync). Each document is an
 * immutable {@link TextDocument}; a change replaces it, so a request keeps working on the version
 * it started with. The dialogue parse of the latest version is kept until the next change.
 */
@Singleton
public final class DocumentStore {
    private final Map<String, TextDocument> documents = new ConcurrentHashMap<>();
    private final Map<String, ParsedDocument> parsed = new ConcurrentHashMap<>();
    /** Documents a command is writing dialogue into, with how many such commands run. */
    private final Map<String, Integer> generating = new ConcurrentHashMap<>();
    /** Places that follow each document's edits; guarded by {@code this}, as are changes. */
    private final Map<String, List<Anchor>> anchors = new HashMap<>();

    /** A document's text at one version with an anchor's place in it. */
    public record Anchored(TextDocument text, int offset) {
        public Position position() {
            return text.position(offset);
        }
    }

    public synchronized void open(String uri, String languageId, int version, String text) {
        documents.put(uri, new TextDocument(uri, languageId, version, text));
        parsed.remove(uri);
        loseAnchors(uri);
    }

    /** Applies changes in order; a change to a document that is not open is ignored. */
    public synchronized Optional<TextDocument> change(String uri, int version,
                                                      Iterable<TextDocumentContentChangeEvent> changes) {
        List<Anchor> here = anchors.getOrDefault(uri, List.of());
        TextDocument updated = documents.computeIfPresent(uri, (u, doc) -> {
            TextDocument d = doc;
            for (TextDocumentContentChangeEvent c : changes) {
                String inserted = c.getText() == null ? "" : c.getText();
                TextDocument before = d;
                d = d.apply(c.getRange(), inserted, version);
                if (!here.isEmpty()) moveAnchors(here, before, c.getRange(), d);
            }
            return d;
        });
        parsed.remove(uri);
        return Optional.ofNullable(updated);
    }

    public synchronized void close(String uri) {
        documents.remove(uri);
        parsed.remove(uri);
        loseAnchors(uri);
    }

    /**
     * An anchor at {@code offset} of {@code at}, which must be the document's latest version (a
     * caller that holds an older one gets an anchor that is already lost).
     */
    public synchronized Anchor anchor(TextDocument at, int offset) {
        Anchor a = new Anchor(at.uri(), Math.max(0, Math.min(offset, at.text().length())));
        if (documents.get(at.uri()) != at) {
            a.lose();
        } else {
            anchors.computeIfAbsent(at.uri(), u -> new ArrayList<>()).add(a);
        }
        return a;
    }

    /** The document's latest version and the anchor's place in it; empty once the place is lost. */
    public synchronized Optional<Anchored> resolve(Anchor anchor) {
        TextDocument text = documents.get(anchor.uri());
        if (text == null || anchor.lost()) return Optional.empty();
        return Optional.of(new Anchored(text, anchor.offset()));
    }

    /** Stops moving an anchor; it resolves to nothing from then on. */
    public synchronized void release(Anchor anchor) {
        anchor.lose();
        List<Anchor> here = anchors.get(anchor.uri());
        if (here != null && here.remove(anchor) && here.isEmpty()) anchors.remove(anchor.uri());
    }

    /**
     * Moves anchors past one change. A whole-text change (no range) is taken as the replacement of
     * what lies between the texts' common beginning and common end, so that anchors survive a
     * client that sends the whole document on every keystroke.
     */
    private static void moveAnchors(List<Anchor> here, TextDocument before, org.eclipse.lsp4j.Range range,
                                    TextDocument after) {
        String old = before.text();
        String now = after.text();
        int start;
        int end;
        if (range != null) {
            start = before.offset(range.getStart());
            end = Math.max(start, before.offset(range.getEnd()));
        } else {
            int limit = Math.min(old.length(), now.length());
            start = 0;
            while (start < limit && old.charAt(start) == now.charAt(start)) start++;
            int tail = 0;
            while (tail < limit - start && old.charAt(old.length() - 1 - tail) == now.charAt(now.length() - 1 - tail)) {
                tail++;
            }
            end = old.length() - tail;
        }
        int inserted = now.length() - (old.length() - (end - start));
        for (Anchor a : here) a.replaced(start, end, inserted);
    }

    private void loseAnchors(String uri) {
        List<Anchor> lost = anchors.remove(uri);
        if (lost != null) lost.forEach(Anchor::lose);
    }

    public Optional<TextDocument> get(String uri) {
        return Optional.ofNullable(documents.get(uri));
    }

    /** The parsed latest version of a document (parsing it now if needed). */
    public Optional<ParsedDocument> parsed(String uri) {
        TextDocument text = documents.get(uri);
        if (text == null) return Optional.empty();
        ParsedDocument p = parsed.get(uri);
        if (p == null || p.text() != text) {
            p = ParsedDocument.of(text);
            if (documents.get(uri) == text) parsed.put(uri, p);
        }
        return Optional.of(p);
    }

    /** A command starts ({@code true}) or stops writing dialogue into the document. */
    public void generating(String uri, boolean running) {
        generating.compute(uri, (u, count) -> {
            int next = (count == null ? 0 : count) + (running ? 1 : -1);
            return next <= 0 ? null : next;
        });
    }

    /** Whether a command is writing dialogue into the document (suggestions then wait their turn). */
    public boolean isGenerating(String uri) {
        return generating.containsKey(uri);
    }

    /** The open documents' URIs. */
    public java.util.Set<String> uris() {
        return java.util.Set.copyOf(documents.keySet());
    }

    public int size() {
        return documents.size();
    }
}
