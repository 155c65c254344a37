package org.replique.server.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.replique.server.hub.HubException.Kind;
import org.replique.fixtures.hub.FakeHub;
import org.replique.fixtures.hub.FakeHub.Fault;

/**
 * {@code replique pull} against a hub on 127.0.0.1 (and a CDN on another origin): the
 * huggingface_hub cache layout, resumed and verified downloads, retries, refused names, tokens.
 */
class PullTest {
    private static final String GGUF = "claire-mini.Q4_K_M.gguf";
    private static final RepoId REPO = RepoId.parse("OpenLLM-France/Claire-Mini");

    @TempDir
    Path tmp;
    private FakeHub hub;
    private final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());
    private final List<String> retries = Collections.synchronizedList(new ArrayList<>());
    private RetryPolicy policy;
    private final PullListener listener = new PullListener() {
        @Override
        public void retrying(String what, int failures, String reason, Duration wait) {
            retries.add(what + ": " + reason);
        }
    };

    @BeforeEach
    void start() throws IOException {
        hub = FakeHub.sample();
        policy = new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(80), Duration.ofSeconds(30),
                Duration.ofSeconds(5), Duration.ofSeconds(20), waits::add);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private Path cache() {
        return tmp.resolve("hf").resolve("hub");
    }

    private HubSettings settings(String token) {
        return new HubSettings(hub.endpoint(), token, cache());
    }

    private Pull.Result pull(HubSettings s, String... includes) {
        return new Pull(s, policy, listener).run(new Pull.Request(REPO, "main", List.of(includes), null));
    }

    private Pull.Result pull() {
        return pull(settings(null));
    }

    private Path repoFolder() {
        return cache().resolve("models--OpenLLM-France--Claire-Mini");
    }

    private Path blob(String file) {
        byte[] c = hub.files.get(file);
        return repoFolder().resolve("blobs").resolve(hub.lfs.contains(file) ? FakeHub.sha256(c) : FakeHub.gitBlobId(c));
    }

    private Path pointer(String file) {
        return repoFolder().resolve("snapshots").resolve(FakeHub.COMMIT).resolve(file);
    }

    private void assertWhole(String file) throws IOException {
        assertThat(Files.readAllBytes(pointer(file))).as(file).isEqualTo(hub.files.get(file));
    }

    private List<FakeHub.Seen> requestsFor(String file) {
        return hub.seen().stream().filter(s -> s.server().equals("cdn")
                ? s.path().endsWith(FakeHub.sha256(hub.files.get(file))) : s.path().endsWith("/" + file)).toList();
    }

    private static List<Path> incompleteFiles(Path root) throws IOException {
        if (!Files.exists(root)) return List.of();
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".incomplete")).toList();
        }
    }

    @Test
    void pullWritesTheHuggingFaceCacheLayout() throws IOException {
        Pull.Result result = pull();

        assertThat(result.downloaded()).isEqualTo(4);
        assertThat(result.folder()).isEqualTo(repoFolder().resolve("snapshots").resolve(FakeHub.COMMIT));
        assertThat(Files.readString(repoFolder().resolve("refs/main"))).isEqualTo(FakeHub.COMMIT);
        for (String file : hub.files.keySet()) {
            assertWhole(file);
            assertThat(Files.isSymbolicLink(pointer(file))).as(file).isTrue();
            // Relative links into blobs/, one ../ per folder level, named by the SHA-256 or the Git blob id.
            String up = "../".repeat(2 + file.split("/").length - 1);
            assertThat(Files.readSymbolicLink(pointer(file)).toString().replace('\\', '/'))
                    .isEqualTo(up + "blobs/" + blob(file).getFileName());
            assertThat(Files.readAllBytes(blob(file))).isEqualTo(hub.files.get(file));
        }
        assertThat(incompleteFiles(cache())).isEmpty();
        assertThat(result.info().license()).isEqualTo("cc-by-nc-sa-4.0");
        assertThat(result.info().licenseTitle()).isEqualTo("CC BY-NC-SA 4.0");
    }

    @Test
    void aCacheThatHuggingFaceHubFilledIsReusedWithoutDownloading() throws IOException {
        // The layout huggingface_hub leaves: blobs, relative links per commit, refs/main without a newline.
        for (String file : hub.files.keySet()) {
            Files.createDirectories(blob(file).getParent());
            Files.write(blob(file), hub.files.get(file));
            Files.createDirectories(pointer(file).getParent());
            Files.createSymbolicLink(pointer(file), pointer(file).getParent().relativize(blob(file)));
        }
        Files.createDirectories(repoFolder().resolve("refs"));
        Files.writeString(repoFolder().resolve("refs/main"), FakeHub.COMMIT);

        Pull.Result result = pull();

        assertThat(result.downloaded()).isZero();
        assertThat(result.reused()).isEqualTo(4);
        assertThat(hub.fileRequests()).isEmpty();
        assertThat(hub.seen()).hasSize(1); // the listing only
    }

    @Test
    void aBlobAnotherCommitDownloadedIsLinkedNotFetched() throws IOException {
        Files.createDirectories(blob(GGUF).getParent());
        Files.write(blob(GGUF), hub.files.get(GGUF));

        Pull.Result result = pull();

        assertThat(result.downloaded()).isEqualTo(3);
        assertThat(requestsFor(GGUF)).isEmpty();
        assertWhole(GGUF);
    }

    @Test
    void aConnectionDroppedHalfwayIsResumedWithRangeToIdenticalBytes() throws IOException {
        hub.inject(GGUF, Fault.DROP_HALFWAY);

        pull();

        assertWhole(GGUF);
        List<FakeHub.Seen> cdn = requestsFor(GGUF).stream().filter(s -> s.server().equals("cdn")).toList();
        assertThat(cdn).hasSize(2);
        assertThat(cdn.get(0).range()).isNull();
        assertThat(cdn.get(1).range()).matches("bytes=[1-9]\\d*-");
        assertThat(retries).singleElement().asString().contains(GGUF).doesNotContain("no data");
    }

    @Test
    void anInterruptedPullKeepsItsPartialFileAndTheNextPullResumesIt() throws IOException {
        hub.inject(GGUF, Fault.DROP_HALFWAY, Fault.STATUS_503, Fault.STATUS_503, Fault.STATUS_503, Fault.STATUS_503);

        assertThatThrownBy(this::pull).isInstanceOfSatisfying(HubException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.NETWORK);
            assertThat(e.getMessage()).contains(GGUF).contains("pull again");
        });
        Path partial = blob(GGUF).resolveSibling(blob(GGUF).getFileName() + ".incomplete");
        long kept = Files.size(partial);
        assertThat(kept).isBetween(1L, (long) hub.files.get(GGUF).length - 1);
        assertThat(blob(GGUF)).doesNotExist();
        assertThat(pointer(GGUF)).doesNotExist();
        assertThat(repoFolder().resolve("refs/main")).doesNotExist();

        int before = hub.seen().size();
        pull();

        assertWhole(GGUF);
        assertThat(partial).doesNotExist();
        FakeHub.Seen resumed = hub.seen().subList(before, hub.seen().size()).stream()
                .filter(s -> s.server().equals("cdn") && s.path().endsWith(FakeHub.sha256(hub.files.get(GGUF))))
                .findFirst().orElseThrow();
        assertThat(resumed.range()).isEqualTo("bytes=" + kept + "-");
    }

    @Test
    void wrongBytesAreRefusedWithTheFileNameAndNeverGetTheFinalName() throws IOException {
        hub.inject(GGUF, Fault.CORRUPT);

        assertThatThrownBy(this::pull).isInstanceOfSatisfying(HubException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.INTEGRITY);
            assertThat(e.getMessage()).contains(GGUF).contains("sha256 mismatch");
        });
        assertThat(blob(GGUF)).doesNotExist();
        assertThat(pointer(GGUF)).doesNotExist();
        // A whole file with a wrong hash is no prefix to resume from: nothing is kept.
        assertThat(incompleteFiles(cache())).isEmpty();

        pull();
        assertWhole(GGUF);
    }

    @Test
    void aSmallFileIsCheckedAgainstItsGitBlobHash() {
        hub.inject("config.json", Fault.CORRUPT);

        assertThatThrownBy(this::pull).isInstanceOfSatisfying(HubException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.INTEGRITY);
            assertThat(e.getMessage()).contains("config.json").contains("git blob hash");
        });
        assertThat(blob("config.json")).doesNotExist();
    }

    @Test
    void aPartialFileWithAWrongPrefixIsDiscardedOnceTheWholeFileIsKnownBad() throws IOException {
        Path partial = blob(GGUF).resolveSibling(blob(GGUF).getFileName() + ".incomplete");
        Files.createDirectories(partial.getParent());
        Files.write(partial, new byte[1000]); // not the file's first 1000 bytes

        assertThatThrownBy(this::pull).isInstanceOfSatisfying(HubException.class,
                e -> assertThat(e.kind()).isEqualTo(Kind.INTEGRITY));
        assertThat(partial).doesNotExist();
        assertThat(blob(GGUF)).doesNotExist();

        pull();
        assertWhole(GGUF);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../evil.txt", "tokenizer/../../evil.txt", "/tmp/evil.txt", "..\\evil.txt",
            "C:evil.txt", "a//evil.txt", "./evil.txt"})
    void namesThatWouldLeaveTheFolderAreRefusedBeforeAnyDownload(String name) throws IOException {
        hub.unsafeNames.add(name);

        assertThatThrownBy(this::pull).isInstanceOfSatisfying(HubException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.UNSAFE_FILE_NAME);
            assertThat(e.getMessage()).contains(name);
        });
        assertThat(hub.fileRequests()).isEmpty();
        try (Stream<Path> s = Files.walk(tmp)) {
            assertThat(s.filter(p -> p.getFileName().toString().contains("evil"))).isEmpty();
        }
    }

    @Test
    void unsafeNamesOutsideTheIncludedFilesDoNotMatter() throws IOException {
        hub.unsafeNames.add("../evil.txt");

        pull(settings(null), "*.gguf");

        assertWhole(GGUF);
    }

    @Test
    void anUnknownRepositoryIsNotFound() {
        Pull p = new Pull(settings(null), policy, listener);
        assertThatThrownBy(() -> p.run(new Pull.Request(new RepoId("OpenLLM-France", "Nope"), "main", List.of(), null)))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
                    assertThat(e.getMessage()).contains("OpenLLM-France/Nope").contains("not found");
                });
        assertThatThrownBy(() -> p.run(new Pull.Request(REPO, "v9", List.of(), null)))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
                    assertThat(e.getMessage()).contains("revision 'v9' not found");
                });
    }

    @Test
    void aPrivateRepositoryWithoutATokenSaysToSetHfToken() throws IOException {
        hub.requiredToken = "hf_secret";

        assertThatThrownBy(this::pull).isInstanceOfSatisfying(HubException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
            assertThat(e.getMessage()).contains("not found").contains("HF_TOKEN");
        });

        pull(settings("hf_secret"));
        assertWhole(GGUF);
    }

    @Test
    void theTokenGoesToTheEndpointAndNeverToTheCdn() {
        pull(settings("hf_secret"));

        List<FakeHub.Seen> seen = hub.seen();
        assertThat(seen).filteredOn(s -> s.server().equals("hub")).isNotEmpty()
                .allSatisfy(s -> assertThat(s.authorization()).isEqualTo("Bearer hf_secret"));
        assertThat(seen).filteredOn(s -> s.server().equals("cdn")).hasSize(2)
                .allSatisfy(s -> assertThat(s.authorization()).isNull());
    }

    @Test
    void serverErrorsAreRetriedWithExponentialBackoff() throws IOException {
        hub.inject(GGUF, Fault.STATUS_503, Fault.STATUS_503);

        pull();

        assertWhole(GGUF);
        assertThat(waits).containsExactly(Duration.ofMillis(10), Duration.ofMillis(20));
    }

    @Test
    void tooManyRequestsWaitsAsLongAsRetryAfterSays() throws IOException {
        hub.inject(GGUF, Fault.STATUS_429);

        pull();

        assertWhole(GGUF);
        assertThat(waits).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void aStalledTransferIsAbandonedAfterTheIdleTimeoutAndResumed() throws IOException {
        policy = new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(80), Duration.ofSeconds(30),
                Duration.ofSeconds(5), Duration.ofMillis(1500), waits::add);
        hub.stallMillis = 20_000;
        hub.inject(GGUF, Fault.STALL);

        pull();

        assertWhole(GGUF);
        assertThat(retries).singleElement().asString().contains(GGUF).contains("no data from localhost");
        assertThat(requestsFor(GGUF).stream().filter(s -> s.server().equals("cdn")).toList().get(1).range())
                .startsWith("bytes=");
    }

    @Test
    void aServerThatIgnoresRangeMakesTheDownloadStartOverNotAppend() throws IOException {
        hub.inject(GGUF, Fault.DROP_HALFWAY, Fault.IGNORE_RANGE);

        pull();

        assertWhole(GGUF);
    }

    @Test
    void anUnreachableHubFailsAfterItsAttempts() throws IOException {
        java.net.URI closed;
        try (FakeHub gone = FakeHub.sample()) {
            closed = gone.endpoint();
        }
        Pull p = new Pull(new HubSettings(closed, null, cache()), policy, listener);

        assertThatThrownBy(() -> p.run(new Pull.Request(REPO, "main", List.of(), null)))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.NETWORK);
                    assertThat(e.getMessage()).contains("4 times");
                });
        assertThat(waits).containsExactly(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40));
    }

    @Test
    void includePatternsChooseTheFiles() throws IOException {
        Pull.Result result = pull(settings(null), "*.gguf", "tokenizer/");

        assertThat(result.files()).extracting(RepoFile::path).containsExactly(GGUF, "tokenizer/tokenizer.model");
        assertThat(pointer("config.json")).doesNotExist();
        assertThat(hub.fileRequests()).noneMatch(s -> s.path().endsWith("config.json"));

        assertThatThrownBy(() -> pull(settings(null), "*.safetensors"))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.NO_MATCHING_FILES);
                    assertThat(e.getMessage()).contains(GGUF);
                });
    }

    @Test
    void weightsInFormatsTheEngineCannotReadAreLeftOutUnlessIncluded() throws IOException {
        hub.add("pytorch_model.bin", new byte[5000], true);
        hub.add("consolidated.00.pth", new byte[3000], true);

        Pull.Result result = pull();

        assertThat(result.skipped()).extracting(RepoFile::path).containsExactly("pytorch_model.bin", "consolidated.00.pth");
        assertThat(result.files()).hasSize(4);
        assertThat(pointer("pytorch_model.bin")).doesNotExist();
        assertThat(hub.fileRequests()).noneMatch(s -> s.path().endsWith(".bin") || s.path().endsWith(".pth"));

        pull(settings(null), "*.bin");
        assertWhole("pytorch_model.bin");
    }

    @Test
    void aRepositoryOfOtherWeightFormatsOnlyIsPulledWhole() throws IOException {
        hub.files.remove(GGUF);
        hub.lfs.remove(GGUF);
        hub.add("pytorch_model.bin", new byte[5000], true);

        Pull.Result result = pull();

        assertThat(result.skipped()).isEmpty();
        assertWhole("pytorch_model.bin");
    }

    @Test
    void aLocalDirGetsPlainFilesAndHuggingFaceHubBookkeeping() throws IOException {
        Path dir = tmp.resolve("claire");
        Pull p = new Pull(settings(null), policy, listener);

        Pull.Result first = p.run(new Pull.Request(REPO, "main", List.of(), dir));

        assertThat(first.folder()).isEqualTo(dir.toAbsolutePath());
        for (String file : hub.files.keySet()) {
            Path f = dir.resolve(file);
            assertThat(Files.isSymbolicLink(f)).isFalse();
            assertThat(Files.readAllBytes(f)).isEqualTo(hub.files.get(file));
            List<String> meta = Files.readAllLines(dir.resolve(".cache/huggingface/download/" + file + ".metadata"));
            assertThat(meta.get(0)).isEqualTo(FakeHub.COMMIT);
            assertThat(meta.get(1)).isEqualTo(blob(file).getFileName().toString());
            assertThat(Double.parseDouble(meta.get(2))).isPositive();
        }
        assertThat(cache()).doesNotExist();
        assertThat(incompleteFiles(dir)).isEmpty();

        // Up to date: nothing is downloaded again. A file changed in place (same size) is replaced.
        int before = hub.fileRequests().size();
        assertThat(p.run(new Pull.Request(REPO, "main", List.of(), dir)).downloaded()).isZero();
        assertThat(hub.fileRequests()).hasSize(before);
        Files.writeString(dir.resolve("config.json"), "x".repeat(hub.files.get("config.json").length));
        Files.delete(dir.resolve(".cache/huggingface/download/config.json.metadata"));
        assertThat(p.run(new Pull.Request(REPO, "main", List.of(), dir)).downloaded()).isEqualTo(1);
        assertThat(Files.readAllBytes(dir.resolve("config.json"))).isEqualTo(hub.files.get("config.json"));
    }

    @Test
    void aListingWithoutHashesIsCompletedFromTheHubHeaders() throws IOException {
        hub.listingOmitsHashes = true;

        pull();

        for (String file : hub.files.keySet()) {
            assertWhole(file);
            assertThat(blob(file)).exists();
        }
        assertThat(hub.seen()).filteredOn(s -> s.method().equals("HEAD")).hasSize(4);
    }

    @Test
    void refsRecordTheCommitOnlyForABranchOrTag() throws IOException {
        new Pull(settings(null), policy, listener).run(new Pull.Request(REPO, FakeHub.COMMIT, List.of("*.json"), null));

        assertThat(repoFolder().resolve("refs")).doesNotExist();
        assertThat(Files.readString(pointer("config.json"), StandardCharsets.UTF_8)).contains("MistralForCausalLM");
    }
}
