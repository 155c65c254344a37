package org.replique.server.documents;

import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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

    public void open(String uri, String languageId, int version, String text) {
        documents.put(uri, new TextDocument(uri, languageId, version, text));
        parsed.remove(uri);
    }

    /** Applies changes in order; a change to a document that is not open is ignored. */
    public Optional<TextDocument> change(String uri, int version, Iterable<TextDocumentContentChangeEvent> changes) {
        TextDocument updated = documents.computeIfPresent(uri, (u, doc) -> {
            TextDocument d = doc;
            for (TextDocumentContentChangeEvent c : changes) {
                d = d.apply(c.getRange(), c.getText() == null ? "" : c.getText(), version);
            }
            return d;
        });
        parsed.remove(uri);
        return Optional.ofNullable(updated);
    }

    public void close(String uri) {
        documents.remove(uri);
        parsed.remove(uri);
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
