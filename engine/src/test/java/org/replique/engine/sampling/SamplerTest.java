package org.replique.engine.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Each filter keeps exactly the right tokens; the same seed makes the same choices. */
class SamplerTest {
    /** Logits whose softmax (T = 1) is 0.5, 0.25, 0.125, 0.0625, 0.0625 for ids 3, 0, 4, 1, 2. */
    private static final float[] LOGITS = {
        (float) Math.log(0.25), (float) Math.log(0.0625), (float) Math.log(0.0625), (float) Math.log(0.5),
        (float) Math.log(0.125)
    };

    private static SamplingParams params(float temperature, int topK, float topP, float minP) {
        return new SamplingParams(temperature, topK, topP, minP, 1.0f, 64, 1);
    }

    @Test
    void greedyTakesTheLargestLogitAndTheLowestIdOnTies() {
        Sampler s = new Sampler(SamplingParams.greedyDecoding());
        assertThat(s.sample(LOGITS, new int[0], 0)).isEqualTo(3);
        assertThat(Sampler.argmax(new float[] {1, 5, 5, 2})).isEqualTo(1);
    }

    @Test
    void topKKeepsTheKBest() {
        assertThat(new Sampler(params(1, 2, 1, 0)).keptIds(LOGITS)).containsExactly(3, 0);
        assertThat(new Sampler(params(1, 0, 1, 0)).keptIds(LOGITS)).containsExactly(3, 0, 4, 1, 2);
        assertThat(new Sampler(params(1, 99, 1, 0)).keptIds(LOGITS)).hasSize(5);
    }

    @Test
    void topPKeepsTheSmallestPrefixReachingP() {
        assertThat(new Sampler(params(1, 0, 0.49f, 0)).keptIds(LOGITS)).containsExactly(3);
        assertThat(new Sampler(params(1, 0, 0.51f, 0)).keptIds(LOGITS)).containsExactly(3, 0);
        assertThat(new Sampler(params(1, 0, 0.87f, 0)).keptIds(LOGITS)).containsExactly(3, 0, 4);
        assertThat(new Sampler(params(1, 0, 0.9f, 0)).keptIds(LOGITS)).containsExactly(3, 0, 4, 1);
    }

    @Test
    void topPAppliesToWhatTopKKept() {
        // After top-2 the kept probabilities are 2/3 and 1/3: p = 0.6 keeps only the first.
        assertThat(new Sampler(params(1, 2, 0.6f, 0)).keptIds(LOGITS)).containsExactly(3);
        assertThat(new Sampler(params(1, 2, 0.7f, 0)).keptIds(LOGITS)).containsExactly(3, 0);
    }

    @Test
    void minPDropsTokensBelowAFractionOfTheBest() {
        assertThat(new Sampler(params(1, 0, 1, 0.24f)).keptIds(LOGITS)).containsExactly(3, 0, 4);
        assertThat(new Sampler(params(1, 0, 1, 0.49f)).keptIds(LOGITS)).containsExactly(3, 0);
        assertThat(new Sampler(params(1, 0, 1, 0.51f)).keptIds(LOGITS)).containsExactly(3);
    }

    @Test
    void sameSeedSameChoicesAndOtherSeedsDiffer() {
        float[] flat = new float[50];
        int[] a = draw(new Sampler(params(1, 0, 1, 0).withSeed(42)), flat, 40);
        int[] b = draw(new Sampler(params(1, 0, 1, 0).withSeed(42)), flat, 40);
        int[] c = draw(new Sampler(params(1, 0, 1, 0).withSeed(43)), flat, 40);
        assertThat(a).containsExactly(b);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void drawsFollowTheKeptDistribution() {
        Sampler s = new Sampler(params(1, 2, 1, 0));
        int[] counts = new int[5];
        for (int i = 0; i < 30_000; i++) counts[s.sample(LOGITS, new int[0], 0)]++;
        assertThat(counts[1] + counts[2] + counts[4]).isZero();
        assertThat(counts[3] / 30_000.0).isBetween(0.64, 0.69); // 2/3
    }

    @Test
    void lowTemperatureSharpensAndHighTemperatureFlattens() {
        int[] cold = new int[5];
        int[] hot = new int[5];
        Sampler c = new Sampler(params(0.1f, 0, 1, 0));
        Sampler h = new Sampler(params(5f, 0, 1, 0));
        for (int i = 0; i < 5_000; i++) {
            cold[c.sample(LOGITS, new int[0], 0)]++;
            hot[h.sample(LOGITS, new int[0], 0)]++;
        }
        assertThat(cold[3]).isGreaterThan(4_900);
        assertThat(hot[3]).isLessThan(2_000);
    }

    @Test
    void repetitionPenaltyLowersRecentTokensOnly() {
        float[] logits = {2f, 1.9f, -1f};
        Sampler s = new Sampler(new SamplingParams(0f, 0, 1, 0, 2.0f, 2, 0));
        // Token 0 is recent: 2 / 2 = 1 < 1.9, so token 1 wins.
        assertThat(s.sample(logits, new int[] {0}, 1)).isEqualTo(1);
        // Outside the window of 2 the penalty does not apply.
        assertThat(s.sample(logits, new int[] {0, 2, 2}, 3)).isEqualTo(0);
        // The caller's logits are not modified.
        assertThat(logits).containsExactly(2f, 1.9f, -1f);
    }

    @Test
    void modelCardDefaultsAreTopK10AtTemperature1() {
        SamplingParams card = SamplingParams.modelCard(0);
        assertThat(card.topK()).isEqualTo(10);
        assertThat(card.temperature()).isEqualTo(1.0f);
        float[] many = new float[100];
        for (int i = 0; i < many.length; i++) many[i] = i;
        Set<Integer> seen = new HashSet<>();
        Sampler s = new Sampler(card);
        IntStream.range(0, 3000).forEach(i -> seen.add(s.sample(many, new int[0], 0)));
        assertThat(seen).allMatch(id -> id >= 90);
    }

    @Test
    void invalidSettingsAreRejected() {
        assertThatThrownBy(() -> params(-1, 0, 1, 0)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> params(1, 0, 0, 0)).hasMessageContaining("top-p");
        assertThatThrownBy(() -> params(1, 0, 1, 2)).hasMessageContaining("min-p");
    }

    private static int[] draw(Sampler s, float[] logits, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = s.sample(logits, new int[0], 0);
        return out;
    }
}
