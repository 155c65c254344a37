package org.replique.server.completion;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Typing through a suggestion is answered from memory; anything else forgets it. */
class TypeThroughCacheTest {
    private final TypeThroughCache cache = new TypeThroughCache();
    private final String before = "x".repeat(1000) + "\nPAUL\n";

    @Test
    void typingTheBeginningGivesTheRest() {
        cache.remember("u", before, "Je reviens demain.");
        assertThat(cache.rest("u", before + "Je ")).contains("reviens demain.");
        assertThat(cache.rest("u", before + "Je re")).contains("viens demain.");
    }

    @Test
    void typingSomethingElseForgetsIt() {
        cache.remember("u", before, "Je reviens demain.");
        assertThat(cache.rest("u", before + "Tu")).isEmpty();
        assertThat(cache.rest("u", before + "Je")).isEmpty(); // forgotten, not resurrected
    }

    @Test
    void aDeletionForgetsIt() {
        cache.remember("u", before, "Je reviens demain.");
        assertThat(cache.rest("u", before.substring(0, before.length() - 1))).isEmpty();
        assertThat(cache.rest("u", before + "J")).isEmpty();
    }

    @Test
    void typingTheWholeSuggestionLeavesNothingToOffer() {
        cache.remember("u", before, "Oui.");
        assertThat(cache.rest("u", before + "Oui.")).isEmpty();
    }

    @Test
    void anEditFurtherUpWithTheSameLengthIsNoticedNearTheCursor() {
        cache.remember("u", before, "Oui.");
        String edited = before.substring(0, before.length() - 6) + "PIER\n" + "\n";
        assertThat(cache.rest("u", edited + "O")).isEmpty();
    }

    @Test
    void anEditFarAboveTheCursorThatKeepsTheLengthAndTheLast256CharactersIsNoticed() {
        String scene = "MARIE\n" + "x".repeat(1000) + "\nPAUL\n";
        cache.remember("u", scene, "Oui.");
        String edited = "MARIA" + scene.substring(5);
        assertThat(edited).hasSameSizeAs(scene).endsWith(scene.substring(scene.length() - 256));
        assertThat(cache.rest("u", edited + "O")).isEmpty();
        assertThat(cache.rest("u", scene + "O")).isEmpty(); // forgotten, not resurrected
    }
}
