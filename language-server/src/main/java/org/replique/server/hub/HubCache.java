package org.replique.server.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The huggingface_hub cache layout, shared with Python tools:
 * <pre>
 * HF_HUB_CACHE/models--OWNER--NAME/
 *   blobs/&lt;etag&gt;                 each file's bytes once, named by its SHA-256 (LFS) or Git blob id
 *   blobs/&lt;etag&gt;.incomplete      a download in progress (resumable)
 *   snapshots/&lt;commit&gt;/&lt;path&gt;   relative symbolic links to ../../blobs/&lt;etag&gt; (one more ../ per folder)
 *   refs/&lt;revision&gt;             the commit a branch or tag pointed to, without a newline
 * </pre>
 */
public final class HubCache {
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    private static final String CACHEDIR_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n"
            + "# This file is a cache directory tag (https://bford.info/cachedir/): backups may skip this folder.\n";

    private final Path root;

    public HubCache(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    public Path repoFolder(RepoId repo) {
        return root.resolve(repo.cacheFolderName());
    }

    Path blob(RepoId repo, String etag) {
        if (!RepoFile.isHash(etag)) throw new IllegalArgumentException("'" + etag + "' is not a blob name");
        return repoFolder(repo).resolve("blobs").resolve(etag);
    }

    Path incompleteBlob(RepoId repo, String etag) {
        Path blob = blob(repo, etag);
        return blob.resolveSibling(etag + ".incomplete");
    }

    public Path snapshot(RepoId repo, String commit) {
        if (!COMMIT.matcher(commit).matches()) throw new IllegalArgumentException("'" + commit + "' is not a commit hash");
        return repoFolder(repo).resolve("snapshots").resolve(commit);
    }

    Path snapshotFile(RepoId repo, String commit, String path) {
        return RepoPaths.under(snapshot(repo, commit), path);
    }

    /** The commit {@code refs/<revision>} records, if any. */
    public Optional<String> ref(RepoId repo, String revision) {
        Path ref = RepoPaths.under(repoFolder(repo).resolve("refs"), revision);
        try {
            if (!Files.isRegularFile(ref)) return Optional.empty();
            String commit = Files.readString(ref, StandardCharsets.UTF_8).strip();
            return COMMIT.matcher(commit).matches() ? Optional.of(commit) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Records that {@code revision} is {@code commit} (nothing for a revision that is the commit itself). */
    void writeRef(RepoId repo, String revision, String commit) throws IOException {
        if (revision.equals(commit)) return;
        Path ref = RepoPaths.under(repoFolder(repo).resolve("refs"), revision);
        if (ref(repo, revision).filter(commit::equals).isPresent()) return;
        Files.createDirectories(ref.getParent());
        Path tmp = ref.resolveSibling(ref.getFileName() + "." + UUID.randomUUID().toString().substring(0, 8) + ".tmp");
        Files.writeString(tmp, commit, StandardCharsets.UTF_8);
        Files.move(tmp, ref, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Marks the cache folder for backup tools, as huggingface_hub does. */
    void tag() throws IOException {
        Path tag = root.resolve("CACHEDIR.TAG");
        if (!Files.exists(tag)) {
            Files.createDirectories(root);
            Files.writeString(tag, CACHEDIR_TAG, StandardCharsets.UTF_8);
        }
    }

    /**
     * Points {@code pointer} at {@code blob} with a relative symbolic link, as huggingface_hub does;
     * where the file system has none, a hard link, else a copy.
     */
    static void link(Path pointer, Path blob) throws IOException {
        Files.createDirectories(pointer.getParent());
        Files.deleteIfExists(pointer);
        try {
            Files.createSymbolicLink(pointer, pointer.getParent().relativize(blob));
        } catch (UnsupportedOperationException | FileSystemException e) {
            try {
                Files.createLink(pointer, blob);
            } catch (UnsupportedOperationException | FileSystemException e2) {
                Files.copy(blob, pointer, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Whether {@code file} (links followed) is there with {@code size} bytes. */
    static boolean has(Path file, long size) {
        try {
            return Files.isRegularFile(file) && Files.size(file) == size;
        } catch (IOException e) {
            return false;
        }
    }
}
