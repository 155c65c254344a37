package org.replique.server.documents;

import java.net.URI;
import java.util.Locale;
import org.replique.dialogue.Dialogue;
import org.replique.dialogue.document.DialogueDocument;
import org.replique.dialogue.document.DocumentFormat;

/** An open document's text together with its dialogue structure, parsed once per version. */
public record ParsedDocument(TextDocument text, DialogueDocument dialogue) {

    /** Parses with the format the client's language id fixes, or the one detected from name and content. */
    public static ParsedDocument of(TextDocument text) {
        DocumentFormat format = formatOf(text.languageId());
        DialogueDocument d = format != null ? Dialogue.parse(text.text(), format)
                : Dialogue.parse(fileName(text.uri()), text.text());
        return new ParsedDocument(text, d);
    }

    /** The format a language id fixes, or null when the content decides. */
    static DocumentFormat formatOf(String languageId) {
        if (languageId == null) return null;
        return switch (languageId.toLowerCase(Locale.ROOT)) {
            case "fountain" -> DocumentFormat.FOUNTAIN;
            case "replique-play" -> DocumentFormat.PLAY;
            case "replique-transcript" -> DocumentFormat.TRANSCRIPT;
            default -> null;
        };
    }

    public static String fileName(String uri) {
        try {
            String path = URI.create(uri).getPath();
            if (path != null) return path.substring(path.lastIndexOf('/') + 1);
        } catch (IllegalArgumentException e) {
            // not a URI we can read: fall back to the raw text after the last slash
        }
        return uri.substring(uri.lastIndexOf('/') + 1);
    }
}
