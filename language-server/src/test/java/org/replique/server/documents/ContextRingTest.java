package org.replique.server.documents;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.replique.dialogue.project.ProjectFile;
import org.replique.dialogue.prompt.ContextChunk;
import org.replique.server.config.ServerSettings;
import org.replique.server.config.SettingsHolder;
import org.replique.server.config.SettingsParser;

/** The ring of the project's other files: which ones, in what order, and what they say about the scene's people. */
class ContextRingTest {
    @TempDir
    Path project;

    private final DocumentStore documents = new DocumentStore();
    private final SettingsHolder settings = new SettingsHolder();
    private final ContextRing ring = new ContextRing(documents, settings);

    private Path write(String relative, String text, long modifiedMillis) throws Exception {
        Path file = project.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.fromMillis(modifiedMillis));
        return file;
    }

    private static String names(List<ProjectFile> files) {
        return String.join(", ", files.stream().map(ProjectFile::name).toList());
    }

    @Test
    void theOtherFilesComeMostRecentlyEditedFirstWithoutTheDocumentBeingWritten() throws Exception {
        write("acte1.play.txt", "SCÈNE I.\n\nMARIE. Je partirai demain.\n", 1_000_000);
        write("notes/characters.md", "## Marie\n\nUne veuve.\n", 2_000_000);
        write("old/acte0.play.txt", "SCÈNE I.\n\nMARIE. Autrefois.\n", 500_000);
        write("README.md", "not a script", 3_000_000);
        write(".git/acte9.play.txt", "SCÈNE I.\n\nMARIE. Caché.\n", 4_000_000);
        Path acte2 = write("acte2.play.txt", "SCÈNE I.\n\nMARIE. Tu es revenu.\n", 5_000_000);
        ring.folders(List.of(project));
        String uri = acte2.toUri().toString();
        documents.open(uri, "replique-play", 1, Files.readString(acte2));
        ring.edited(uri);

        assertThat(names(ring.files(uri, 8))).isEqualTo("characters.md, acte1.play.txt, acte0.play.txt");
        assertThat(names(ring.files(uri, 2))).isEqualTo("characters.md, acte1.play.txt");

        // An open script counts by its last edit, with its text as it is in the editor.
        String acte1 = project.resolve("acte1.play.txt").toUri().toString();
        documents.open(acte1, "replique-play", 1, "SCÈNE I.\n\nMARIE. Je reste, finalement.\n");
        ring.edited(acte1);
        List<ProjectFile> files = ring.files(uri, 8);
        assertThat(names(files)).isEqualTo("acte1.play.txt, characters.md, acte0.play.txt");
        List<ContextChunk> chunks = ring.sourceFor(uri).about(List.of("MARIE"));
        assertThat(chunks).extracting(ContextChunk::text).contains("Je reste, finalement.", "Marie : Une veuve.")
                .doesNotContain("Je partirai demain.", "Tu es revenu.", "Caché.");
    }

    @Test
    void aClosedScriptStaysInTheRingWithItsLastText() throws Exception {
        ring.folders(List.of());
        String scene1 = "untitled:scene1";
        documents.open(scene1, "fountain", 1, "INT. PORT - JOUR\n\nMARIE\nJe pars.\n");
        ring.edited(scene1);
        ring.closed(scene1, documents.parsed(scene1).orElseThrow());
        documents.close(scene1);
        String scene2 = "untitled:scene2";
        documents.open(scene2, "fountain", 1, "INT. PORT - NUIT\n\nMARIE\nTu restes ?\n");
        assertThat(ring.sourceFor(scene2).about(List.of("Marie"))).extracting(ContextChunk::describe)
                .containsExactly("untitled:scene1: MARIE (speech)");
    }

    @Test
    void theRingIsOffWithoutTokensOrFiles() {
        settings.set(SettingsParser.parse(JsonParser.parseString("{\"prompt\": {\"ringTokens\": 0}}"),
                ServerSettings.defaults()).settings());
        documents.open("untitled:a", "fountain", 1, "INT. A\n\nMARIE\nOui.\n");
        assertThat(ring.sourceFor("untitled:b").about(List.of("MARIE"))).isEmpty();
    }
}
