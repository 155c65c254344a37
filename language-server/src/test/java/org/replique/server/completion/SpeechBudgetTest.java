package org.replique.server.completion;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.replique.dialogue.prompt.ContinuationKind;
import org.replique.engine.generate.TokenListener;

/**
 * Where a suggestion is cut when the time budget runs out: after a sentence, else (at twice the
 * budget) after a whole word, never inside a word, never before the first word of speech.
 */
class SpeechBudgetTest {
    /** A clock the test moves: milliseconds. */
    private long now;
    private final List<String> cuts = new ArrayList<>();

    private SpeechBudget budget(long millis, ContinuationKind kind) {
        return new SpeechBudget(millis, kind, () -> now * 1_000_000L, cuts::add);
    }

    /** The model writes {@code pieces}, one token each, {@code step} milliseconds apart. */
    private void write(SpeechBudget b, long step, String... pieces) {
        for (String piece : pieces) {
            b.onToken(0, 1, piece);
            now += step;
        }
    }

    @Test
    void beforeTheBudgetNothingIsCut() {
        SpeechBudget b = budget(1000, ContinuationKind.FIXED_SPEAKER);
        write(b, 10, " Je", " ne", " sais", " pas", ".", " Et", " toi");
        assertThat(cuts).isEmpty();
    }

    @Test
    void afterTheBudgetTheCutFallsAtTheEndOfTheLastSentenceOnceASpaceFollowsIt() {
        SpeechBudget b = budget(100, ContinuationKind.FIXED_SPEAKER);
        write(b, 40, " Je", " ne", " sais", " pas");
        assertThat(cuts).isEmpty(); // no sentence yet, and not yet twice the budget
        write(b, 10, " !");
        assertThat(cuts).isEmpty(); // "!" may still be "!?" or "!»"
        write(b, 10, " Et");
        assertThat(cuts).containsExactly(" Je ne sais pas !");
        write(b, 10, " toi", " ?", " Bon");
        assertThat(cuts).hasSize(1); // one cut only
    }

    @Test
    void atTwiceTheBudgetWithoutASentenceTheCutFallsAfterTheLastWholeWord() {
        SpeechBudget b = budget(100, ContinuationKind.MID_SPEECH);
        write(b, 70, "ivement", ",", " mon", " cher", " ami");
        // At 210 ms, " cher" may still become " chers": cut after "mon".
        assertThat(cuts).containsExactly("ivement, mon");
    }

    @Test
    void aSingleLetterIsNeverShownOnItsOwn() {
        SpeechBudget b = budget(1, ContinuationKind.FIXED_SPEAKER);
        write(b, 50, " C", "'", "est");
        assertThat(cuts).isEmpty(); // "C'est" is not finished before something follows it
        write(b, 50, " bien");
        assertThat(cuts).containsExactly(" C'est");
    }

    @Test
    void aNewTurnsLabelIsNotAWordOfSpeech() {
        SpeechBudget b = budget(1, ContinuationKind.NEW_TURN);
        write(b, 50, "[", "Marie", ":]", " Non");
        assertThat(cuts).isEmpty();
        write(b, 50, ".", " Jamais");
        assertThat(cuts).containsExactly("[Marie:] Non.");
    }

    @Test
    void frenchSpacingBeforeTheMarkStillEndsASentence() {
        SpeechBudget b = budget(1, ContinuationKind.FIXED_SPEAKER);
        write(b, 5, " Vraiment", "\u00a0", "?", " Oui");
        assertThat(cuts).containsExactly(" Vraiment\u00a0?");
    }

    @Test
    void noBudgetNeverCuts() {
        SpeechBudget b = budget(0, ContinuationKind.FIXED_SPEAKER);
        write(b, 10_000, " Je", " pars", ".", " Adieu", ".");
        assertThat(cuts).isEmpty();
    }

    @Test
    void theSpeedCountsTokensAfterTheFirst() {
        SpeechBudget b = budget(0, ContinuationKind.FIXED_SPEAKER);
        write(b, 100, " Un", " deux", " trois");
        b.onToken(0, TokenListener.NO_TOKEN, "");
        // Three tokens, the last two 100 ms apart each, read at 300 ms.
        assertThat(b.tokens()).isEqualTo(3);
        assertThat(b.tokensPerSecond()).isBetween(6.6, 6.7);
    }

    @Test
    void aFinishedTextEndsWithWholeWords() {
        assertThat(SpeechCut.finished(" Je pars. Adieu mon am", 0, false)).isEqualTo(" Je pars.");
        assertThat(SpeechCut.finished(" Adieu mon am", 0, false)).isEqualTo(" Adieu mon");
        assertThat(SpeechCut.finished(" Adieu mon ami", 0, true)).isEqualTo(" Adieu mon ami");
        assertThat(SpeechCut.finished(" Adie", 0, false)).isEmpty();
        assertThat(SpeechCut.finished("[Marie:]", SpeechCut.speechStart("[Marie:]", ContinuationKind.NEW_TURN), true)).isEmpty();
    }
}
