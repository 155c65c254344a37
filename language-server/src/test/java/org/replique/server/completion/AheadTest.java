package org.replique.server.completion;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.replique.engine.backend.Cancellation;

/**
 * What was written ahead of the cursor answers the next request at once, while the writer types
 * it, accepts part or all of it, or asks for the next speech; anything else forgets it and stops
 * what is still being written for it.
 */
class AheadTest {
    private final Ahead ahead = new Ahead();
    private final String before = "x".repeat(1000) + "\nPAUL\n";
    private final String after = "\n\nINT. RUE - NUIT\n";
    private final String document = before + after;

    /** A suggestion offered and finished at {@code before}. */
    private Ahead.Segment offered(String text) {
        Ahead.Segment s = ahead.begin("u", before, document, new Cancellation());
        s.finish(text);
        return s;
    }

    private Ahead.Lookup at(String typed) {
        return ahead.lookup("u", before + typed);
    }

    private static Ahead.Hit hit(String rest, int segment, boolean last) {
        return new Ahead.Hit(rest, segment, last);
    }

    @Test
    void typingTheBeginningGivesTheRest() {
        offered("Je reviens demain.");
        assertThat(at("Je ")).isEqualTo(hit("reviens demain.", 0, true));
        assertThat(at("Je re")).isEqualTo(hit("viens demain.", 0, true));
    }

    @Test
    void typingSomethingElseForgetsIt() {
        offered("Je reviens demain.");
        assertThat(at("Tu")).isInstanceOf(Ahead.Miss.class);
        assertThat(at("Je")).isInstanceOf(Ahead.Miss.class); // forgotten, not resurrected
    }

    @Test
    void aDeletionForgetsIt() {
        offered("Je reviens demain.");
        assertThat(ahead.lookup("u", before.substring(0, before.length() - 1))).isInstanceOf(Ahead.Miss.class);
        assertThat(at("J")).isInstanceOf(Ahead.Miss.class);
    }

    @Test
    void typingTheWholeSuggestionLeavesNothingToOfferUnlessTheNextSpeechWasWritten() {
        offered("Oui.");
        assertThat(at("Oui.")).isInstanceOf(Ahead.Miss.class);
    }

    @Test
    void anEditFarAboveTheCursorThatKeepsTheLengthIsNoticed() {
        String scene = "MARIE\n" + "x".repeat(1000) + "\nPAUL\n";
        ahead.begin("u", scene, scene, new Cancellation()).finish("Oui.");
        String edited = "MARIA" + scene.substring(5);
        assertThat(edited).hasSameSizeAs(scene).endsWith(scene.substring(scene.length() - 256));
        assertThat(ahead.lookup("u", edited + "O")).isInstanceOf(Ahead.Miss.class);
        assertThat(ahead.lookup("u", scene + "O")).isInstanceOf(Ahead.Miss.class); // forgotten, not resurrected
    }

    @Test
    void aSuggestionStillBeingFinishedIsWaitedForThenTheLongerOneIsServed() {
        Ahead.Segment s = ahead.begin("u", before, document, new Cancellation());
        s.draft("Je reviens.");
        // The writer typed into the draft: the rest comes once the model has finished the speech.
        Ahead.Lookup waiting = at("Je rev");
        assertThat(waiting).isInstanceOf(Ahead.Wait.class);
        assertThat(((Ahead.Wait) waiting).until()).isNotDone();
        s.finish("Je reviens. Demain, peut-être.");
        assertThat(at("Je rev")).isEqualTo(hit("iens. Demain, peut-être.", 0, true));
        // The whole draft accepted: the rest of the speech.
        assertThat(at("Je reviens.")).isEqualTo(hit(" Demain, peut-être.", 0, true));
    }

    @Test
    void aRequestThatHasWaitedItsBudgetGetsTheDraftOfASpeechStillBeingWritten() {
        Ahead.Segment s = ahead.begin("u", before, document, new Cancellation());
        Ahead.Lookup early = ahead.lookup("u", before + "Je", true);
        // No draft yet: wait for one.
        assertThat(early).isInstanceOf(Ahead.Wait.class);
        CompletableFuture<String> until = ((Ahead.Wait) early).until();
        assertThat(until).isNotDone();
        s.draft("Je reviens.");
        assertThat(until).isDone();
        assertThat(ahead.lookup("u", before + "Je", true)).isEqualTo(hit(" reviens.", 0, false));
        // Without the budget spent, the whole speech is waited for.
        assertThat(ahead.lookup("u", before + "Je", false)).isInstanceOf(Ahead.Wait.class);
        s.finish("Je reviens. Demain.");
        assertThat(ahead.lookup("u", before + "Je", true)).isEqualTo(hit(" reviens. Demain.", 0, true));
    }

    @Test
    void aFinishedSpeechThatDoesNotExtendTheDraftKeepsTheDraft() {
        Ahead.Segment s = ahead.begin("u", before, document, new Cancellation());
        s.draft("Je reviens.");
        s.finish("Je pars.");
        assertThat(at("Je rev")).isEqualTo(hit("iens.", 0, true));
    }

    @Test
    void theNextSpeechWrittenAheadIsServedOnceTheSuggestionIsAccepted() {
        offered("\nJe reviens.");
        Ahead.Segment next = ahead.append("u", before, document, new Cancellation());
        assertThat(next).isNotNull();
        // Accepted: the next speech is being written: wait for it.
        assertThat(at("\nJe reviens.")).isInstanceOf(Ahead.Wait.class);
        next.finish("\n\nMARIE\nTu mens.");
        assertThat(at("\nJe reviens.")).isEqualTo(hit("\n\nMARIE\nTu mens.", 1, true));
        assertThat(at("\nJe reviens.\n\nMA")).isEqualTo(hit("RIE\nTu mens.", 1, true));
        // Half way through the first suggestion, the first one's rest still comes first.
        assertThat(at("\nJe")).isEqualTo(hit(" reviens.", 0, false));
    }

    @Test
    void anEditThatContradictsWhatIsBeingWrittenStopsIt() {
        offered("\nJe reviens.");
        Cancellation writing = new Cancellation();
        Ahead.Segment next = ahead.append("u", before, document, writing);
        assertThat(next).isNotNull();
        // Typing the suggestion's start, or accepting it, agrees with it.
        ahead.edited("u", before + "\nJe" + after);
        ahead.edited("u", before + "\nJe reviens." + after);
        assertThat(writing.isCancelled()).isFalse();
        // Anything else stops the writing and forgets it all.
        ahead.edited("u", before + "\nJe pars" + after);
        assertThat(writing.isCancelled()).isTrue();
        assertThat(next.done()).isDone();
        assertThat(at("\nJe")).isInstanceOf(Ahead.Miss.class);
    }

    @Test
    void anEditAboveTheCursorStopsTheWritingToo() {
        Cancellation writing = new Cancellation();
        Ahead.Segment s = ahead.begin("u", before, document, writing);
        s.draft("Je");
        ahead.edited("u", "y" + document.substring(1));
        assertThat(writing.isCancelled()).isTrue();
    }

    @Test
    void aNewRequestReplacesWhatWasWrittenAndStopsItsWriting() {
        Cancellation first = new Cancellation();
        ahead.begin("u", before, document, first).draft("Je");
        ahead.begin("u", before + "T", document, new Cancellation());
        assertThat(first.isCancelled()).isTrue();
    }

    @Test
    void nothingIsAppendedToASuggestionThatWasForgotten() {
        offered("\nJe reviens.");
        ahead.forget("u");
        assertThat(ahead.append("u", before, document, new Cancellation())).isNull();
    }
}
