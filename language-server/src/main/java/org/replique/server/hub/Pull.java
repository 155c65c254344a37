package org.replique.server.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.replique.server.hub.HubException.Kind;

/**
 * {@code replique pull}: brings a model repository (or the files matching {@code --include}) at a
 * revision onto disk — into the huggingface_hub cache, reusing what Python tools already
 * downloaded, or as plain files in a folder of one's own. Every file name is checked before anything
 * is written; the revision's ref is recorded only once every chosen file is in place.
 */
public final class Pull {

    /** What to pull: {@code localDir} null means the shared cache. */
    public record Request(RepoId repo, String revision, List<String> includes, Path localDir) {
        public Request {
            if (revision == null || revision.isBlank()) revision = "main";
            RepoPaths.checked(revision);
            includes = includes == null ? List.of() : List.copyOf(includes);
        }
    }

    /**
     * @param folder     the snapshot folder in the cache, or the local folder
     * @param downloaded files fetched now; the others were on disk already
     */
    public record Result(RepoInfo info, Path folder, List<RepoFile> files, List<RepoFile> skipped, int downloaded,
                         long downloadedBytes) {
        public int reused() {
            return files.size() - downloaded;
        }
    }

    private final HubSettings settings;
    private final RetryPolicy policy;
    private final PullListener listener;

    public Pull(HubSettings settings, RetryPolicy policy, PullListener listener) {
        this.settings = settings;
        this.policy = policy;
        this.listener = listener;
    }

    public Result run(Request request) {
        try (HubClient client = new HubClient(settings, policy, listener)) {
            RepoInfo info = client.info(request.repo(), request.revision());
            String commit = info.commit();
            Predicate<String> included = request.includes().isEmpty() ? usableBy(info.files())
                    : FileGlob.anyOf(request.includes());
            List<RepoFile> chosen = info.files().stream().filter(f -> included.test(f.path())).toList();
            List<RepoFile> skipped = request.includes().isEmpty()
                    ? info.files().stream().filter(f -> !included.test(f.path())).toList() : List.of();
            if (chosen.isEmpty() && !request.includes().isEmpty()) {
                throw new HubException(Kind.NO_MATCHING_FILES, request.repo() + ": no file matches "
                        + String.join(", ", request.includes()) + " (files: " + names(info.files()) + ")");
            }
            for (RepoFile f : chosen) RepoPaths.checked(f.path());
            chosen = chosen.stream().map(f -> f.described() ? f : client.describe(request.repo(), commit, f)).toList();
            listener.repository(info, chosen);
            if (!skipped.isEmpty()) listener.skipped(skipped);

            Target target = request.localDir() == null
                    ? new CacheTarget(new HubCache(settings.cache()), request.repo(), commit)
                    : new LocalDirTarget(request.localDir().toAbsolutePath().normalize(), commit);
            int downloaded = 0;
            long bytes = 0;
            for (RepoFile f : chosen) {
                if (target.present(f)) continue;
                client.fetch(request.repo(), commit, f, target.incomplete(f), target.destination(f));
                target.placed(f);
                downloaded++;
                bytes += f.size();
            }
            Path folder = target.finish(request.revision());
            return new Result(info, folder, chosen, skipped, downloaded, bytes);
        } catch (IOException e) {
            throw new HubException(Kind.IO, request.repo() + ": " + e.getMessage(), e);
        }
    }

    /** Weight files in formats the engine cannot read (PyTorch and TensorFlow pickles, ONNX, Mistral's own). */
    private static final Predicate<String> OTHER_WEIGHTS = FileGlob.anyOf(List.of("pytorch_model*.bin", "*.pt", "*.pth",
            "*.ckpt", "tf_model.h5", "flax_model.msgpack", "*.onnx", "*.onnx_data", "rust_model.ot", "consolidated*"));

    /**
     * Without {@code --include}: every file, except weights in other formats when the repository
     * also has safetensors or GGUF ones (a checkpoint often ships both, doubling the download).
     */
    private static Predicate<String> usableBy(List<RepoFile> files) {
        boolean readable = files.stream().anyMatch(f -> f.path().endsWith(".safetensors") || f.path().endsWith(".gguf"));
        return readable ? OTHER_WEIGHTS.negate() : name -> true;
    }

    private static String names(List<RepoFile> files) {
        List<String> names = files.stream().map(RepoFile::path).limit(20).toList();
        return String.join(", ", names) + (files.size() > 20 ? ", …" : "");
    }

    /** Where the files go, and how to tell that one is there already. */
    private interface Target {
        boolean present(RepoFile f) throws IOException;

        Path incomplete(RepoFile f);

        Path destination(RepoFile f);

        void placed(RepoFile f) throws IOException;

        /** All files are in place; returns the folder that holds them. */
        Path finish(String revision) throws IOException;
    }

    /** The shared cache: blobs once, snapshot links per commit, refs per revision. */
    private final class CacheTarget implements Target {
        private final HubCache cache;
        private final RepoId repo;
        private final String commit;

        CacheTarget(HubCache cache, RepoId repo, String commit) throws IOException {
            this.cache = cache;
            this.repo = repo;
            this.commit = commit;
            cache.tag();
            Files.createDirectories(cache.snapshot(repo, commit));
        }

        @Override
        public boolean present(RepoFile f) throws IOException {
            Path pointer = cache.snapshotFile(repo, commit, f.path());
            if (HubCache.has(pointer, f.size())) {
                listener.reused(f, false);
                return true;
            }
            Path blob = cache.blob(repo, f.blobName());
            if (HubCache.has(blob, f.size())) {
                HubCache.link(pointer, blob);
                listener.reused(f, true);
                return true;
            }
            return false;
        }

        @Override
        public Path incomplete(RepoFile f) {
            return cache.incompleteBlob(repo, f.blobName());
        }

        @Override
        public Path destination(RepoFile f) {
            return cache.blob(repo, f.blobName());
        }

        @Override
        public void placed(RepoFile f) throws IOException {
            HubCache.link(cache.snapshotFile(repo, commit, f.path()), cache.blob(repo, f.blobName()));
        }

        @Override
        public Path finish(String revision) throws IOException {
            cache.writeRef(repo, revision, commit);
            return cache.snapshot(repo, commit);
        }
    }

    /**
     * Plain files in a folder, with huggingface_hub's bookkeeping beside them
     * ({@code .cache/huggingface/download/<path>.metadata}: commit, ETag, time) so that either tool
     * knows the files are current without hashing them again.
     */
    private final class LocalDirTarget implements Target {
        private final Path root;
        private final Path bookkeeping;
        private final String commit;

        LocalDirTarget(Path root, String commit) throws IOException {
            this.root = root;
            this.bookkeeping = root.resolve(".cache").resolve("huggingface");
            this.commit = commit;
            Files.createDirectories(bookkeeping);
            Path ignore = bookkeeping.resolve(".gitignore");
            if (!Files.exists(ignore)) Files.writeString(ignore, "*", StandardCharsets.UTF_8);
        }

        private Path metadata(RepoFile f) {
            return RepoPaths.under(bookkeeping.resolve("download"), f.path() + ".metadata");
        }

        @Override
        public boolean present(RepoFile f) throws IOException {
            Path file = destination(f);
            if (!HubCache.has(file, f.size())) return false;
            Path meta = metadata(f);
            if (Files.isRegularFile(meta)) {
                List<String> lines = Files.readAllLines(meta, StandardCharsets.UTF_8);
                try {
                    if (lines.size() >= 3 && lines.get(1).strip().equals(f.blobName())
                            && Files.getLastModifiedTime(file).toMillis() / 1000.0 - 1 <= Double.parseDouble(lines.get(2).strip())) {
                        listener.reused(f, false);
                        return true;
                    }
                } catch (NumberFormatException e) {
                    // Unreadable bookkeeping: check the bytes instead.
                }
            }
            if (RunningHash.of(file, f.check()).equals(f.check().expected())) {
                placed(f);
                listener.reused(f, false);
                return true;
            }
            return false;
        }

        @Override
        public Path incomplete(RepoFile f) {
            return RepoPaths.under(bookkeeping.resolve("download"), f.path() + "." + f.blobName() + ".incomplete");
        }

        @Override
        public Path destination(RepoFile f) {
            return RepoPaths.under(root, f.path());
        }

        @Override
        public void placed(RepoFile f) throws IOException {
            Path meta = metadata(f);
            Files.createDirectories(meta.getParent());
            double now = System.currentTimeMillis() / 1000.0;
            Files.writeString(meta, commit + "\n" + f.blobName() + "\n" + String.format(Locale.ROOT, "%.3f", now) + "\n",
                    StandardCharsets.UTF_8);
        }

        @Override
        public Path finish(String revision) {
            return root;
        }
    }
}
