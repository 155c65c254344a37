package org.replique.server.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The conventions shared with huggingface_hub: environment, names, patterns, paths. */
class HubConventionsTest {
    private static final Path HOME = Path.of("/home/writer");

    @TempDir
    Path tmp;

    @Test
    void environmentDefaultsAreThoseOfHuggingFaceHub() {
        HubSettings s = HubSettings.from(Map.of(), HOME);
        assertThat(s.endpoint()).isEqualTo(URI.create("https://huggingface.co"));
        assertThat(s.token()).isNull();
        assertThat(s.cache()).isEqualTo(HOME.resolve(".cache/huggingface/hub"));

        assertThat(HubSettings.from(Map.of("XDG_CACHE_HOME", "/xdg"), HOME).cache()).isEqualTo(Path.of("/xdg/huggingface/hub"));
        assertThat(HubSettings.from(Map.of("HF_HOME", "~/hf"), HOME).cache()).isEqualTo(HOME.resolve("hf/hub"));
        assertThat(HubSettings.from(Map.of("HF_HOME", "/hf", "HF_HUB_CACHE", "/cache"), HOME).cache()).isEqualTo(Path.of("/cache"));
        HubSettings mirror = HubSettings.from(Map.of("HF_ENDPOINT", "http://127.0.0.1:8080/", "HF_TOKEN", "hf_x"), HOME);
        assertThat(mirror.endpoint()).isEqualTo(URI.create("http://127.0.0.1:8080"));
        assertThat(mirror.token()).isEqualTo("hf_x");
        assertThatThrownBy(() -> HubSettings.from(Map.of("HF_ENDPOINT", "ftp://hub"), HOME))
                .hasMessageContaining("HF_ENDPOINT");
    }

    @Test
    void theTokenFileOfHfAuthLoginIsUsedWhenHfTokenIsUnset() throws IOException {
        Path hfHome = tmp.resolve("hf");
        Files.createDirectories(hfHome);
        Files.writeString(hfHome.resolve("token"), "hf_from_file\n");
        assertThat(HubSettings.from(Map.of("HF_HOME", hfHome.toString()), HOME).token()).isEqualTo("hf_from_file");
        assertThat(HubSettings.from(Map.of("HF_HOME", hfHome.toString(), "HF_TOKEN", "hf_env"), HOME).token())
                .isEqualTo("hf_env");
    }

    @Test
    void theTokenIsForTheEndpointsOriginOnlyAndNeverPrinted() {
        HubSettings s = new HubSettings(URI.create("https://huggingface.co"), "hf_secret", Path.of("c"));
        assertThat(s.mayAuthorize(URI.create("https://huggingface.co/api/models/a/b"))).isTrue();
        assertThat(s.mayAuthorize(URI.create("https://HuggingFace.co:443/a/b/resolve/main/x"))).isTrue();
        assertThat(s.mayAuthorize(URI.create("https://cdn-lfs.huggingface.co/x"))).isFalse();
        assertThat(s.mayAuthorize(URI.create("http://huggingface.co/x"))).isFalse();
        assertThat(s.mayAuthorize(URI.create("https://huggingface.co:8443/x"))).isFalse();
        assertThat(s.toString()).doesNotContain("hf_secret");
    }

    @Test
    void repositoryNamesFollowTheHubsRules() {
        RepoId claire = RepoId.parse("OpenLLM-France/Claire-Mistral-7B-0.1");
        assertThat(claire.cacheFolderName()).isEqualTo("models--OpenLLM-France--Claire-Mistral-7B-0.1");
        for (String bad : List.of("Claire", "a/b/c", "../x", "a/..", "a/b--c", "a/-b", "a/b.", "a b/c", "a/b.git", "/b")) {
            assertThatThrownBy(() -> RepoId.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void includePatternsAreFnmatchLikeHuggingFaceHubs() {
        var gguf = FileGlob.anyOf(List.of("*.gguf"));
        assertThat(gguf.test("claire.Q4_K_M.gguf")).isTrue();
        assertThat(gguf.test("quants/claire.Q4_0.gguf")).isTrue(); // * crosses folders, as in fnmatch
        assertThat(gguf.test("config.json")).isFalse();
        assertThat(FileGlob.anyOf(List.of("*Q4_K_M*")).test("claire-7b.Q4_K_M.gguf")).isTrue();
        assertThat(FileGlob.anyOf(List.of("model-0000?-of-00002.safetensors")).test("model-00001-of-00002.safetensors")).isTrue();
        assertThat(FileGlob.anyOf(List.of("tokenizer/")).test("tokenizer/tokenizer.model")).isTrue();
        assertThat(FileGlob.anyOf(List.of("[!c]*.json")).test("config.json")).isFalse();
        assertThat(FileGlob.anyOf(List.of("[!c]*.json")).test("tokenizer.json")).isTrue();
        assertThat(FileGlob.anyOf(List.of("a+b(c).json")).test("a+b(c).json")).isTrue();
        assertThat(FileGlob.anyOf(List.of()).test("anything")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "../x", "a/../../x", "/etc/passwd", "a\\b", "C:x", "c:/x", "a//b", "a/./b", "a/",
            "line\nbreak"})
    void unsafeRepositoryPathsAreRefused(String name) {
        assertThatThrownBy(() -> RepoPaths.under(tmp, name)).isInstanceOfSatisfying(HubException.class,
                e -> assertThat(e.kind()).isEqualTo(HubException.Kind.UNSAFE_FILE_NAME));
    }

    @Test
    void safeRepositoryPathsStayUnderTheFolder() {
        assertThat(RepoPaths.under(tmp, "a/b/c.gguf")).isEqualTo(tmp.toAbsolutePath().resolve("a/b/c.gguf"));
        assertThat(RepoPaths.under(tmp, "..hidden")).isEqualTo(tmp.toAbsolutePath().resolve("..hidden"));
    }

    @Test
    void etagsAreNormalisedAsHuggingFaceHubDoes() {
        assertThat(HubHttp.normalizeEtag("W/\"abc\"")).isEqualTo("abc");
        assertThat(HubHttp.normalizeEtag("\"abc\"")).isEqualTo("abc");
        assertThat(HubHttp.normalizeEtag("abc")).isEqualTo("abc");
    }

    @Test
    void licenceIdsReadAsPeopleWriteThem() {
        assertThat(info("cc-by-nc-sa-4.0").licenseTitle()).isEqualTo("CC BY-NC-SA 4.0");
        assertThat(info("cc-by-4.0").licenseTitle()).isEqualTo("CC BY 4.0");
        assertThat(info("apache-2.0").licenseTitle()).isEqualTo("apache-2.0");
        assertThat(info(null).licenseTitle()).isNull();
    }

    private static RepoInfo info(String license) {
        return new RepoInfo(RepoId.parse("a/b"), "main", "0".repeat(40), List.of(), license, false);
    }
}
