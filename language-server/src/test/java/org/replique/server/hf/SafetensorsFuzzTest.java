package org.replique.server.hf;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.replique.fixtures.fuzz.FuzzSeeds;

/**
 * Any bytes as a safetensors file: a {@link HfFolderException} or tensors whose bytes lie inside
 * the file, as many as their dtype and shape say.
 */
class SafetensorsFuzzTest {
    private static final Path FILE = FuzzSeeds.scratchFile("model.safetensors");

    static Stream<Arguments> seeds() {
        return Stream.concat(HfFuzzFolder.shards(HfFuzzFolder.TINY), HfFuzzFolder.shards(HfFuzzFolder.STORIES)
                .map(b -> java.util.Arrays.copyOf(b, Math.min(b.length, 8192)))).map(b -> Arguments.of((Object) b));
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "30s")
    void anyBytesAreAnErrorOrTensorsInsideTheFile(byte[] bytes) {
        FuzzSeeds.write(FILE, bytes);
        try (Arena arena = Arena.ofConfined()) {
            SafetensorsFile file;
            try {
                file = SafetensorsFile.open(FILE, arena);
            } catch (HfFolderException e) {
                assertThat(e.kind()).isNotNull();
                return;
            }
            assertThat(file.size()).isEqualTo(bytes.length);
            for (SafetensorsFile.Tensor t : file.tensors().values()) {
                assertThat(t.data().byteSize()).isLessThanOrEqualTo(bytes.length - 8L);
                assertThat(java.util.Arrays.stream(t.shape()).allMatch(d -> d >= 0)).as("dimensions").isTrue();
                int width = SafetensorsFile.elementBytes(t.dtype());
                if (width > 0) {
                    long elements = 1;
                    for (long d : t.shape()) elements *= d;
                    assertThat(t.data().byteSize()).isEqualTo(elements * width);
                }
                if (t.data().byteSize() > 0) {
                    // The view reads: it is inside the mapping.
                    t.data().get(java.lang.foreign.ValueLayout.JAVA_BYTE, t.data().byteSize() - 1);
                }
            }
        }
    }
}
