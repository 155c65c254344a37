package org.replique.server.completion;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionItemKind;
import org.eclipse.lsp4j.InsertTextFormat;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.replique.dialogue.document.DocumentFormat;
import org.replique.dialogue.roster.Roster;
import org.replique.server.documents.ParsedDocument;
import org.replique.server.documents.TextDocument;

/**
 * The ordinary completion list: character cues (the speaker before the last one first), scene
 * heading prefixes and transitions in a screenplay, each replacing what is typed of it on the line.
 */
final class CompletionItems {
    /** The word the cursor ends, as editors take it for filtering: letters, digits, ' and -. */
    static String wordBefore(String line, int column) {
        int end = Math.min(column, line.length());
        int start = end;
        while (start > 0 && (Character.isLetterOrDigit(line.charAt(start - 1)) || "'-_".indexOf(line.charAt(start - 1)) >= 0)) {
            start--;
        }
        return line.substring(start, end);
    }

    static final List<String> SCENE_PREFIXES = List.of("INT. ", "EXT. ", "INT./EXT. ", "EST. ");
    static final List<String> TRANSITIONS = List.of("CUT TO:", "FADE OUT.", "FADE IN:", "DISSOLVE TO:",
            "SMASH CUT TO:", "MATCH CUT TO:", "FADE TO BLACK.");

    private CompletionItems() {}

    /** Items for the cursor; empty where none of them belongs (inside a speech, mid-sentence). */
    static List<CompletionItem> at(ParsedDocument doc, Position at) {
        TextDocument text = doc.text();
        String line = text.line(at.getLine());
        String typed = line.substring(0, Math.min(at.getCharacter(), line.length()));
        if (!typed.isBlank() && !typed.strip().equals(typed.strip().toUpperCase(Locale.ROOT))) {
            return List.of(); // lower-case text is action or speech, not a cue or a heading
        }
        boolean blankAbove = at.getLine() == 0 || text.line(at.getLine() - 1).isBlank();
        if (!blankAbove || !line.substring(typed.length()).isBlank()) {
            return List.of();
        }
        Range replace = new Range(new Position(at.getLine(), 0), at);
        String prefix = typed.strip().toUpperCase(Locale.ROOT);
        List<CompletionItem> items = new ArrayList<>();
        List<String> names = Roster.of(doc.dialogue()).rankedAt(at.getLine());
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String cue = doc.dialogue().format() == DocumentFormat.FOUNTAIN ? name.toUpperCase(Locale.ROOT) : name;
            if (!cue.toUpperCase(Locale.ROOT).startsWith(prefix)) continue;
            items.add(item(cue, CompletionItemKind.Reference, "character", String.format("%03d", i), replace));
        }
        if (doc.dialogue().format() == DocumentFormat.FOUNTAIN) {
            for (String p : SCENE_PREFIXES) {
                if (p.startsWith(prefix) && !prefix.equals(p.strip())) {
                    items.add(item(p, CompletionItemKind.Keyword, "scene heading", "1" + p, replace));
                }
            }
            for (String t : TRANSITIONS) {
                if (t.startsWith(prefix) && !prefix.isEmpty()) {
                    items.add(item(t, CompletionItemKind.Keyword, "transition", "2" + t, replace));
                }
            }
        }
        return items;
    }

    private static CompletionItem item(String text, CompletionItemKind kind, String detail, String sort, Range replace) {
        CompletionItem item = new CompletionItem(text.strip());
        item.setKind(kind);
        item.setDetail(detail);
        item.setSortText(sort);
        item.setFilterText(text.strip());
        item.setInsertTextFormat(InsertTextFormat.PlainText);
        item.setTextEdit(Either.forLeft(new TextEdit(replace, text)));
        return item;
    }

    /**
     * The model's suggestion as a completion item, for clients without inline completion: a clearly
     * labelled entry that inserts the continuation at the cursor.
     */
    static CompletionItem continuation(String suggestion, Position at, String wordBefore) {
        String firstLine = suggestion.strip().lines().findFirst().orElse("");
        // Clients filter items by the word before the cursor (Helix against filterText, Zed against
        // the part of the label filterText names): carry that word in both so the item stays shown.
        String label = "⤷ continue the dialogue" + (wordBefore.isEmpty() ? "" : " — " + wordBefore);
        CompletionItem item = new CompletionItem(label);
        item.setKind(CompletionItemKind.Text);
        item.setDetail(firstLine.length() > 60 ? firstLine.substring(0, 57) + "…" : firstLine);
        item.setDocumentation(suggestion);
        item.setSortText("0");
        item.setFilterText(wordBefore);
        item.setPreselect(true);
        item.setInsertTextFormat(InsertTextFormat.PlainText);
        item.setTextEdit(Either.forLeft(new TextEdit(new Range(at, at), suggestion)));
        return item;
    }
}
