package org.replique.server.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.replique.server.hub.HubException.Kind;

/**
 * What {@code -m} names: a file or folder on disk, or a model pulled from the hub —
 * {@code OWNER/NAME} (the snapshot {@code refs/main} points to in the huggingface_hub cache) or
 * {@code OWNER/NAME/FILE.gguf}. A snapshot with one GGUF file gives that file; with several, the
 * preferred quantization (Q4_K_M, then Q4_0, …) or an error listing them; with none, the snapshot
 * folder itself (a Hugging Face model folder). What exists on disk always wins.
 */
public final class ModelReference {

    /** Quantizations in order of preference when a repository offers several GGUF files. */
    static final List<String> PREFERRED = List.of("Q4_K_M", "Q4_0", "Q5_K_M", "Q6_K", "Q8_0", "F16", "BF16", "F32");

    private ModelReference() {}

    /** Resolves with the cache of this process's environment ({@code HF_HUB_CACHE}, {@code HF_HOME}). */
    public static Path resolve(String spec) {
        return resolve(spec, HubSettings.hubCacheFromEnvironment());
    }

    public static Path resolve(String spec, Path hubCache) {
        Path local = Path.of(spec);
        if (Files.exists(local) || local.isAbsolute() || spec.startsWith(".") || spec.startsWith("~")) {
            return local;
        }
        String[] parts = spec.replace(java.io.File.separatorChar, '/').split("/", 3);
        if (parts.length < 2 || !RepoId.valid(parts[0]) || !RepoId.valid(parts[1])) {
            return local;
        }
        RepoId repo = new RepoId(parts[0], parts[1]);
        HubCache cache = new HubCache(hubCache);
        Path snapshot = snapshot(cache, repo).orElseThrow(() -> new HubException(Kind.NOT_CACHED,
                spec + ": no such file or folder, and no model " + repo + " in the Hugging Face cache ("
                        + cache.root() + "); download it with: replique pull " + repo));
        if (parts.length == 3) {
            Path file = RepoPaths.under(snapshot, parts[2]);
            if (!Files.exists(file)) {
                throw new HubException(Kind.NOT_CACHED, spec + ": " + repo + " in the cache has no '" + parts[2]
                        + "' (" + snapshot + "); pull it with: replique pull " + repo + " --include '" + parts[2] + "'");
            }
            return file;
        }
        List<Path> ggufs = ggufFiles(snapshot);
        if (ggufs.isEmpty()) return snapshot;
        if (ggufs.size() == 1) return ggufs.getFirst();
        for (String quant : PREFERRED) {
            Pattern p = Pattern.compile("(?i)(^|[^a-z0-9])" + Pattern.quote(quant) + "([.\\-]|$)");
            List<Path> matching = ggufs.stream().filter(g -> p.matcher(g.getFileName().toString()).find()).toList();
            if (matching.size() == 1) return matching.getFirst();
            if (!matching.isEmpty()) break; // several files of the preferred kind: the user chooses
        }
        throw new HubException(Kind.AMBIGUOUS_MODEL, repo + " has several GGUF files; choose one with -m " + repo
                + "/FILE: " + String.join(", ", ggufs.stream().map(g -> snapshot.relativize(g).toString().replace('\\', '/')).toList()));
    }

    /** The snapshot of {@code refs/main}, else the only snapshot there is. */
    private static Optional<Path> snapshot(HubCache cache, RepoId repo) {
        Optional<Path> main = cache.ref(repo, "main").map(c -> cache.snapshot(repo, c)).filter(Files::isDirectory);
        if (main.isPresent()) return main;
        Path snapshots = cache.repoFolder(repo).resolve("snapshots");
        if (!Files.isDirectory(snapshots)) return Optional.empty();
        try (Stream<Path> s = Files.list(snapshots)) {
            List<Path> all = s.filter(Files::isDirectory).toList();
            return all.size() == 1 ? Optional.of(all.getFirst()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static List<Path> ggufFiles(Path snapshot) {
        try (Stream<Path> s = Files.walk(snapshot, 4)) {
            return s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gguf"))
                    .filter(Files::isRegularFile)
                    .sorted(Comparator.comparing(Path::toString))
                    .toList();
        } catch (IOException e) {
            throw new HubException(Kind.IO, "cannot read " + snapshot + ": " + e.getMessage(), e);
        }
    }
}
