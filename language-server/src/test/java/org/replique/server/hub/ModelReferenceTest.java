package org.replique.server.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.replique.server.hub.HubException.Kind;

/** {@code -m OWNER/NAME}: from the huggingface_hub cache to a GGUF file or a model folder. */
class ModelReferenceTest {
    private static final String COMMIT = "89abcdef0123456789abcdef0123456789abcdef";

    @TempDir
    Path cache;

    /** A cached repository with these files in the snapshot refs/main points to, linked to blobs as the hub does. */
    private Path cached(String repo, String... files) throws IOException {
        Path folder = cache.resolve("models--" + repo.replace("/", "--"));
        Path snapshot = folder.resolve("snapshots").resolve(COMMIT);
        int i = 0;
        for (String f : files) {
            Path blob = folder.resolve("blobs").resolve(String.format("%064x", ++i));
            Files.createDirectories(blob.getParent());
            Files.writeString(blob, f);
            Path pointer = snapshot.resolve(f);
            Files.createDirectories(pointer.getParent());
            Files.createSymbolicLink(pointer, pointer.getParent().relativize(blob));
        }
        Files.createDirectories(snapshot);
        Files.createDirectories(folder.resolve("refs"));
        Files.writeString(folder.resolve("refs/main"), COMMIT);
        return snapshot;
    }

    @Test
    void aFileOnDiskIsTakenAsItIs() throws IOException {
        Path file = Files.writeString(cache.resolve("model.gguf"), "x");
        assertThat(ModelReference.resolve(file.toString(), cache)).isEqualTo(file);
        assertThat(ModelReference.resolve("missing.gguf", cache)).isEqualTo(Path.of("missing.gguf"));
        assertThat(ModelReference.resolve("/models/missing.gguf", cache)).isEqualTo(Path.of("/models/missing.gguf"));
    }

    @Test
    void theOnlyGgufFileOfTheSnapshotIsTheModel() throws IOException {
        Path snapshot = cached("TheBloke/Claire-7B-GGUF", "README.md", "claire-7b.Q4_K_M.gguf");
        assertThat(ModelReference.resolve("TheBloke/Claire-7B-GGUF", cache)).isEqualTo(snapshot.resolve("claire-7b.Q4_K_M.gguf"));
    }

    @Test
    void amongSeveralGgufFilesQ4KMIsPreferredThenQ40() throws IOException {
        Path snapshot = cached("a/claire", "claire.Q8_0.gguf", "claire.Q4_0.gguf", "claire-Q4_K_M.gguf", "claire.Q4_K_S.gguf");
        assertThat(ModelReference.resolve("a/claire", cache)).isEqualTo(snapshot.resolve("claire-Q4_K_M.gguf"));
        Path other = cached("b/claire", "claire.Q8_0.gguf", "claire.Q4_0.gguf", "claire.Q4_0_4_4.gguf");
        assertThat(ModelReference.resolve("b/claire", cache)).isEqualTo(other.resolve("claire.Q4_0.gguf"));
    }

    @Test
    void severalGgufFilesWithoutAPreferredOneMustBeNamed() throws IOException {
        Path snapshot = cached("a/claire", "claire.IQ3_XS.gguf", "claire.IQ2_M.gguf");
        assertThatThrownBy(() -> ModelReference.resolve("a/claire", cache)).isInstanceOfSatisfying(HubException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.AMBIGUOUS_MODEL);
            assertThat(e.getMessage()).contains("-m a/claire/FILE").contains("claire.IQ3_XS.gguf").contains("claire.IQ2_M.gguf");
        });
        assertThat(ModelReference.resolve("a/claire/claire.IQ2_M.gguf", cache)).isEqualTo(snapshot.resolve("claire.IQ2_M.gguf"));
    }

    @Test
    void aSnapshotWithoutGgufIsAHuggingFaceModelFolder() throws IOException {
        Path snapshot = cached("OpenLLM-France/Claire-Mistral-7B-0.1", "config.json", "model-00001-of-00002.safetensors",
                "tokenizer.model");
        assertThat(ModelReference.resolve("OpenLLM-France/Claire-Mistral-7B-0.1", cache)).isEqualTo(snapshot);
    }

    @Test
    void aModelThatIsNotCachedSaysHowToPullIt() throws IOException {
        cached("a/claire", "x.gguf");
        assertThatThrownBy(() -> ModelReference.resolve("OpenLLM-France/Claire-Mistral-7B-0.1", cache))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.NOT_CACHED);
                    assertThat(e.getMessage()).contains("replique pull OpenLLM-France/Claire-Mistral-7B-0.1");
                });
        assertThatThrownBy(() -> ModelReference.resolve("a/claire/other.gguf", cache))
                .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.getMessage()).contains("--include 'other.gguf'"));
        assertThatThrownBy(() -> ModelReference.resolve("a/claire/../../x.gguf", cache))
                .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNSAFE_FILE_NAME));
    }

    @Test
    void withoutRefsMainTheOnlySnapshotIsUsed() throws IOException {
        Path snapshot = cached("a/claire", "claire.Q4_0.gguf");
        Files.delete(cache.resolve("models--a--claire/refs/main"));
        assertThat(ModelReference.resolve("a/claire", cache)).isEqualTo(snapshot.resolve("claire.Q4_0.gguf"));
    }
}
