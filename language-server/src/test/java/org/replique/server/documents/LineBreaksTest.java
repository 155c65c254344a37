package org.replique.server.documents;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.junit.jupiter.api.Test;
import org.replique.dialogue.document.Lines;

/**
 * Lines end where the protocol says — {@code \n}, {@code \r\n} or a lone {@code \r} — so that the
 * server's positions, the client's and the dialogue parser's lines agree on every document.
 */
class LineBreaksTest {
    private static final String TEXT = "MARIE\rOù étais-tu ?\r\nPAUL\nIci.\r";

    @Test
    void everyKindOfLineBreakEndsALine() {
        TextDocument d = new TextDocument("u", "", 1, TEXT);
        assertThat(d.lineCount()).isEqualTo(Lines.split(TEXT).size()).isEqualTo(5);
        for (int line = 0; line < d.lineCount(); line++) {
            assertThat(d.line(line)).isEqualTo(Lines.split(TEXT).get(line));
        }
        assertThat(d.offset(new Position(1, 0))).isEqualTo(6);
        assertThat(d.offset(new Position(1, 99))).isEqualTo(6 + "Où étais-tu ?".length());
        assertThat(d.position(TEXT.indexOf("PAUL"))).isEqualTo(new Position(2, 0));
        assertThat(d.offset(new Position(4, 0))).isEqualTo(TEXT.length());
    }

    @Test
    void anEditAfterALoneCarriageReturnLandsOnTheLineTheClientMeant() {
        TextDocument d = new TextDocument("u", "", 1, TEXT).apply(new Range(new Position(1, 0), new Position(1, 2)), "Là", 2);
        assertThat(d.text()).isEqualTo("MARIE\rLà étais-tu ?\r\nPAUL\nIci.\r");
    }
}
