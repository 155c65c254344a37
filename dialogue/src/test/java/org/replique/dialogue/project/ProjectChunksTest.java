package org.replique.dialogue.project;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.replique.dialogue.TestDocuments;
import org.replique.dialogue.prompt.ContextChunk;

/** The project's other files as chunks about the people of a scene. */
class ProjectChunksTest {
    private static final String CHARACTERS = """
            # Personnages

            ## Marie

            Une veuve de trente ans, vive et moqueuse.
            Elle ne pardonne rien.

            ## Paul

            Son beau-frère, marin, taiseux.

            - **Gorgibus** — un bon bourgeois, père de Magdelon.
            - Cathos : nièce de Gorgibus.
            """;

    private static final String ACT_ONE = "ACTE I\n\nSCÈNE I. Marie, Paul.\n\nMARIE. Je partirai demain.\n\n"
            + "PAUL. La mer est grise.\n\nMARIE. Avec ou sans toi.\n\nPAUL. Sans moi, alors.\n\nGORGIBUS. Holà !\n";

    @Test
    void notesNameTheirSubjectByHeadingByBoldWordsOrBeforeAColon() {
        List<Note> notes = Notes.parse(CHARACTERS);
        assertThat(notes).extracting(Note::subject).containsExactly("Marie", "Paul", "Gorgibus", "Cathos");
        assertThat(notes.getFirst().text()).isEqualTo("Marie : Une veuve de trente ans, vive et moqueuse. Elle ne pardonne rien.");
        assertThat(notes.get(2).text()).isEqualTo("Gorgibus — un bon bourgeois, père de Magdelon.");
        assertThat(notes.getFirst().position()).isEqualTo(CHARACTERS.indexOf("## Marie"));
    }

    @Test
    void speechesComeFirstOneOfEachPersonInTurnThenTheirDescriptions() {
        ProjectChunks chunks = new ProjectChunks(List.of(
                ProjectFile.read("acte1.play.txt", ACT_ONE),
                ProjectFile.read("characters.md", CHARACTERS)));
        List<ContextChunk> about = chunks.about(List.of("Marie", "Paul"));
        assertThat(about).extracting(ContextChunk::text).containsExactly(
                "Avec ou sans toi.", "Sans moi, alors.", "Je partirai demain.", "La mer est grise.",
                "Marie : Une veuve de trente ans, vive et moqueuse. Elle ne pardonne rien.",
                "Paul : Son beau-frère, marin, taiseux.");
        assertThat(about.getFirst().source()).isEqualTo("acte1.play.txt");
        assertThat(about.getFirst().speaker()).isEqualTo("MARIE");
        assertThat(about.getFirst().position()).isEqualTo(ACT_ONE.indexOf("MARIE. Avec"));
        // Nobody else's speeches.
        assertThat(about).noneMatch(c -> c.text().contains("Holà"));
    }

    @Test
    void aPlaysCastListAndAFountainNoteDescribeTheirPeople() {
        String play = TestDocuments.read("plays/moliere-precieuses-ridicules.play.txt");
        List<ContextChunk> fromCast = new ProjectChunks(List.of(ProjectFile.read("precieuses.play.txt", play)))
                .about(List.of("MASCARILLE"));
        assertThat(fromCast).filteredOn(c -> c.kind() == ContextChunk.Kind.DESCRIPTION).extracting(ContextChunk::text)
                .containsExactly("LE MARQUIS DE MASCARILLE, valet de La Grange.");
        assertThat(fromCast).filteredOn(c -> c.kind() == ContextChunk.Kind.SPEECH).hasSize(3);

        String fountain = "INT. PORT - JOUR\n\n[[MARIE: elle ment toujours.]]\n\nMARIE\nBonjour.\n";
        assertThat(new ProjectChunks(List.of(ProjectFile.read("scene1.fountain", fountain))).about(List.of("Marie")))
                .extracting(ContextChunk::describe)
                .containsExactly("scene1.fountain: MARIE (speech)", "scene1.fountain: MARIE (description)");
    }

    @Test
    void notesFilesAreKnownByTheirNames() {
        assertThat(ProjectFile.isNotes("characters.md")).isTrue();
        assertThat(ProjectFile.isNotes("Personnages.md")).isTrue();
        assertThat(ProjectFile.isNotes("notes-acte2.txt")).isTrue();
        assertThat(ProjectFile.isNotes("acte1.play.txt")).isFalse();
        assertThat(ProjectFile.isNotes("README.md")).isFalse();
    }
}
