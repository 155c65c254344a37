package org.replique.server.hf;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import com.code_intelligence.jazzer.mutation.annotation.WithUtf8Length;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.replique.engine.model.Model;
import org.replique.engine.model.ModelTensor;

/**
 * Any text as {@code model.safetensors.index.json} of a folder with good shards: a
 * {@link HfFolderException} when the folder opens or when its model loads (an index may leave out
 * a tensor the model needs), or a model with every tensor.
 */
class SafetensorsIndexFuzzTest {
    private static final Path FOLDER = HfFuzzFolder.copyWithout(HfFolder.INDEX);

    static Stream<Arguments> seeds() {
        String index = HfFuzzFolder.text(HfFuzzFolder.TINY, HfFolder.INDEX);
        // A finding: a shard name with a control character (an unchecked InvalidPathException before).
        String shard = index.substring(index.indexOf("model-0"), index.indexOf(".safetensors") + ".safetensors".length());
        return Stream.of(Arguments.of(index), Arguments.of(index.replace(shard,
                shard.replace(".s", ".\\u0000s") /* a NUL, escaped in the JSON */)));
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "30s")
    void anyIndexIsAnErrorOrAFolderWithEveryTensor(@NotNull @WithUtf8Length(max = 8192) String json) {
        HfFuzzFolder.write(FOLDER.resolve(HfFolder.INDEX), json);
        HfFolder folder;
        try {
            folder = HfFolder.open(FOLDER);
        } catch (HfFolderException e) {
            assertThat(e.kind()).isNotNull();
            return;
        }
        Model loaded;
        try {
            loaded = Model.load(folder, org.replique.engine.model.LoadOptions.DEFAULT);
        } catch (HfFolderException e) {
            assertThat(e.kind()).isNotNull();
            return;
        }
        try (Model model = loaded) {
            assertThat(folder.tensors()).containsKeys("token_embd.weight", "blk.0.attn_q.weight", "output_norm.weight");
            for (ModelTensor t : folder.tensors().values()) {
                assertThat(t.data().byteSize()).isPositive();
            }
            assertThat(model.config().dim()).isEqualTo(8);
        }
    }
}
