package org.replique.server.documents;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A place in a document follows the writer's edits, as an editor's marker does. */
class AnchorTest {
    private static final String URI = "file:///scene.fountain";
    private static final String SCENE = "MARIE\nTu es en retard.\n\nPAUL\nLe bus.\n";

    private final DocumentStore store = new DocumentStore();
    private Anchor beforePaul;

    @BeforeEach
    void open() {
        store.open(URI, "fountain", 1, SCENE);
        beforePaul = store.anchor(store.get(URI).orElseThrow(), SCENE.indexOf("PAUL"));
    }

    private void replace(int line, int from, int toLine, int to, String text) {
        int version = store.get(URI).orElseThrow().version() + 1;
        store.change(URI, version, List.of(new TextDocumentContentChangeEvent(
                new Range(new Position(line, from), new Position(toLine, to)), text)));
    }

    private String textAtAnchor() {
        DocumentStore.Anchored at = store.resolve(beforePaul).orElseThrow();
        return at.text().text().substring(at.offset());
    }

    @Test
    void textTypedBeforeThePlaceMovesIt() {
        replace(1, 0, 1, 0, "Marie, ");
        assertThat(textAtAnchor()).isEqualTo("PAUL\nLe bus.\n");
        assertThat(store.resolve(beforePaul).orElseThrow().position()).isEqualTo(new Position(3, 0));
    }

    @Test
    void linesDeletedBeforeThePlaceMoveItUp() {
        replace(0, 0, 2, 0, "");
        assertThat(textAtAnchor()).isEqualTo("PAUL\nLe bus.\n");
        assertThat(store.resolve(beforePaul).orElseThrow().position()).isEqualTo(new Position(1, 0));
    }

    @Test
    void textAfterThePlaceLeavesIt() {
        replace(4, 3, 4, 6, "métro");
        assertThat(textAtAnchor()).isEqualTo("PAUL\nLe métro.\n");
    }

    @Test
    void textTypedAtThePlaceStaysAfterIt() {
        replace(3, 0, 3, 0, "LUCIE\nAh.\n\n");
        assertThat(textAtAnchor()).isEqualTo("LUCIE\nAh.\n\nPAUL\nLe bus.\n");
    }

    @Test
    void aDeletionAroundThePlaceBringsItToTheDeletionsStart() {
        replace(2, 0, 3, 2, "");
        assertThat(textAtAnchor()).isEqualTo("UL\nLe bus.\n");
    }

    @Test
    void aWholeTextChangeMovesThePlaceByWhatChangedAroundIt() {
        int version = store.get(URI).orElseThrow().version() + 1;
        store.change(URI, version, List.of(new TextDocumentContentChangeEvent(
                "TITRE\n\n" + SCENE.replace("en retard", "en avance"))));
        assertThat(textAtAnchor()).isEqualTo("PAUL\nLe bus.\n");
    }

    @Test
    void closingOrReopeningTheDocumentLosesThePlace() {
        store.close(URI);
        assertThat(store.resolve(beforePaul)).isEmpty();
        store.open(URI, "fountain", 1, SCENE);
        assertThat(store.resolve(beforePaul)).isEmpty();
    }

    @Test
    void aPlaceInAnOlderVersionIsLostAtOnce() {
        TextDocument older = store.get(URI).orElseThrow();
        replace(0, 0, 0, 0, "@");
        assertThat(store.resolve(store.anchor(older, 3))).isEmpty();
    }

    @Test
    void aReleasedPlaceIsGone() {
        store.release(beforePaul);
        replace(0, 0, 0, 0, "TITRE\n");
        assertThat(store.resolve(beforePaul)).isEmpty();
    }
}
