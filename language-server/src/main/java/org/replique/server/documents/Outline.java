package org.replique.server.documents;

import java.util.ArrayList;
import java.util.List;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.SymbolKind;
import org.replique.dialogue.document.Element;
import org.replique.dialogue.document.ElementType;

/**
 * The document's outline: acts (and Fountain sections) holding scenes. A symbol's range runs to
 * the next symbol of the same or a higher level, so editors can fold and follow the cursor.
 */
public final class Outline {
    private Outline() {}

    public static List<DocumentSymbol> of(ParsedDocument doc) {
        List<DocumentSymbol> roots = new ArrayList<>();
        DocumentSymbol act = null;
        List<Element> heads = doc.dialogue().elements().stream()
                .filter(e -> e.type() == ElementType.ACT || e.type() == ElementType.SECTION
                        || e.type() == ElementType.SCENE || e.type() == ElementType.SCENE_HEADING)
                .toList();
        int lastLine = Math.max(0, doc.text().lineCount() - 1);
        for (int i = 0; i < heads.size(); i++) {
            Element e = heads.get(i);
            boolean top = e.type() == ElementType.ACT || e.type() == ElementType.SECTION;
            int end = lastLine;
            for (int j = i + 1; j < heads.size(); j++) {
                Element n = heads.get(j);
                boolean nTop = n.type() == ElementType.ACT || n.type() == ElementType.SECTION;
                if (nTop || !top) {
                    end = Math.max(e.range().startLine(), n.range().startLine() - 1);
                    break;
                }
            }
            String name = e.text().isBlank() ? e.type().id() : e.text().strip();
            Range selection = new Range(new Position(e.range().startLine(), e.range().startColumn()),
                    new Position(e.range().endLine(), e.range().endColumn()));
            Range full = new Range(selection.getStart(), new Position(end, doc.text().line(end).length()));
            DocumentSymbol symbol = new DocumentSymbol(name, top ? SymbolKind.Namespace : SymbolKind.Class, full, selection);
            symbol.setChildren(new ArrayList<>());
            if (top) {
                roots.add(symbol);
                act = symbol;
            } else if (act != null && e.range().startLine() <= act.getRange().getEnd().getLine()) {
                act.getChildren().add(symbol);
            } else {
                roots.add(symbol);
            }
        }
        return roots;
    }
}
