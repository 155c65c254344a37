package org.replique.server.documents;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.junit.jupiter.api.Test;

/** Incremental sync with LSP positions: UTF-16 columns, CRLF lines, clamping. */
class TextDocumentTest {

    @Test
    void appliesRangeEditsInOrder() {
        DocumentStore store = new DocumentStore();
        store.open("u", "fountain", 1, "MARIE\nBonjour.\n");
        store.change("u", 2, List.of(
                new TextDocumentContentChangeEvent(new Range(new Position(1, 7), new Position(1, 8)), " Paul !"),
                new TextDocumentContentChangeEvent(new Range(new Position(0, 0), new Position(0, 0)), "@")));
        assertThat(store.get("u").orElseThrow().text()).isEqualTo("@MARIE\nBonjour Paul !\n");
        assertThat(store.get("u").orElseThrow().version()).isEqualTo(2);
    }

    @Test
    void aChangeWithoutARangeReplacesEverything() {
        DocumentStore store = new DocumentStore();
        store.open("u", "plaintext", 1, "old");
        store.change("u", 2, List.of(new TextDocumentContentChangeEvent("new text")));
        assertThat(store.get("u").orElseThrow().text()).isEqualTo("new text");
    }

    @Test
    void columnsAreUtf16UnitsSoEmojiCountTwice() {
        TextDocument d = new TextDocument("u", "", 1, "a😀b\n");
        assertThat(d.offset(new Position(0, 3))).isEqualTo(3);
        assertThat(d.text().charAt(d.offset(new Position(0, 3)))).isEqualTo('b');
        assertThat(d.position(3)).isEqualTo(new Position(0, 3));
    }

    @Test
    void crlfLineBreaksAreNotPartOfTheLine() {
        TextDocument d = new TextDocument("u", "", 1, "MARIE\r\nBonjour.\r\n");
        assertThat(d.line(0)).isEqualTo("MARIE");
        assertThat(d.offset(new Position(0, 99))).isEqualTo(5);
        assertThat(d.lineCount()).isEqualTo(3);
    }

    @Test
    void positionsOutsideAreClamped() {
        TextDocument d = new TextDocument("u", "", 1, "ab\ncd");
        assertThat(d.offset(new Position(9, 9))).isEqualTo(5);
        assertThat(d.offset(new Position(-1, 0))).isZero();
        assertThat(d.offset(new Position(0, 9))).isEqualTo(2);
        assertThat(d.line(7)).isEmpty();
    }

    @Test
    void changesToUnknownDocumentsAreIgnored() {
        DocumentStore store = new DocumentStore();
        assertThat(store.change("nope", 2, List.of(new TextDocumentContentChangeEvent("x")))).isEmpty();
        assertThat(store.size()).isZero();
    }

    @Test
    void theParseIsKeptUntilTheNextChange() {
        DocumentStore store = new DocumentStore();
        store.open("file:///a.fountain", "fountain", 1, "INT. A - DAY\n\nMARIE\nBonjour.\n");
        ParsedDocument first = store.parsed("file:///a.fountain").orElseThrow();
        assertThat(store.parsed("file:///a.fountain").orElseThrow()).isSameAs(first);
        store.change("file:///a.fountain", 2, List.of(new TextDocumentContentChangeEvent(
                new Range(new Position(3, 8), new Position(3, 8)), " Paul.")));
        assertThat(store.parsed("file:///a.fountain").orElseThrow()).isNotSameAs(first);
        assertThat(first.dialogue().cues()).hasSize(1);
    }
}
