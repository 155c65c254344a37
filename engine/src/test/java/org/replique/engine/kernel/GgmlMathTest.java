package org.replique.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** ggml's own exponential: close to e^x everywhere, with its special values; the softmax built on it. */
class GgmlMathTest {

    @Test
    void expIsWithinTwoUlpsOfTheExponential() {
        for (float x = -87f; x < 88f; x += 0.0173f) {
            float exact = (float) Math.exp(x);
            assertThat(Math.abs(GgmlMath.exp(x) - exact)).as("e^%s", x).isLessThanOrEqualTo(2 * Math.ulp(exact));
        }
    }

    @Test
    void expOfMinusInfinityIsZeroAndOfZeroIsOne() {
        assertThat(GgmlMath.exp(Float.NEGATIVE_INFINITY)).isZero();
        assertThat(GgmlMath.exp(0f)).isEqualTo(1f);
        assertThat(GgmlMath.exp(-200f)).isZero();
    }

    @Test
    void swigluTakesTheCLibrarysExponentialPastTheLastWholeEight() {
        float[] gate = new float[12];
        float[] up = new float[12];
        for (int i = 0; i < 12; i++) {
            gate[i] = 0.37f * i - 2f;
            up[i] = 1.5f;
        }
        float[] expected = new float[12];
        for (int i = 0; i < 12; i++) {
            float e = i < 8 ? GgmlMath.exp(0f - gate[i]) : CMath.exp(-gate[i]);
            expected[i] = gate[i] / (1f + e) * up[i];
        }
        GgmlMath.swiglu(gate, up, 0, 12, 0, 12);
        assertThat(gate).containsExactly(expected);
    }

    @Test
    void softmaxWeightsSumToOne() {
        float[] scores = new float[29];
        for (int i = 0; i < scores.length; i++) scores[i] = (float) Math.sin(i) * 3;
        GgmlAttention.softmax(scores, scores.length);
        double sum = 0;
        for (float p : scores) sum += p;
        assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
    }
}
