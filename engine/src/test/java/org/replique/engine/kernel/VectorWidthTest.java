package org.replique.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/** The kernels run at the width asked for, so the test runs at 128, 256 and 512 bits test what they say. */
class VectorWidthTest {

    @Test
    void usesTheRequestedWidth() {
        String bits = System.getProperty("replique.vector.bits");
        assumeTrue(bits != null && !bits.isBlank(), "no width requested");
        assertThat(VectorKernels.vectorBits()).isEqualTo(Integer.parseInt(bits.trim()));
        assertThat(new VectorKernels().name()).isEqualTo("vector-" + bits.trim());
    }

    @Test
    void isSupportedWhereTheTestsRun() {
        assertThat(VectorKernels.isSupported()).isTrue();
    }
}
