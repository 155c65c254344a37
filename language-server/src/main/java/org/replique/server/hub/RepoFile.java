package org.replique.server.hub;

import java.util.regex.Pattern;

/**
 * One file of a repository at a commit, as the hub lists it. Large files are stored with Git LFS:
 * their content hash is {@code sha256}, which is also the name huggingface_hub gives their blob in
 * the cache. Small files are plain Git objects: {@code blobId} is their Git blob hash (SHA-1 of
 * {@code "blob <size>\0"} and the content), and their blob's name.
 *
 * @param path   the repository path, {@code /}-separated
 * @param size   bytes, or -1 when the listing did not say
 * @param sha256 lower-case hex, or null for a plain Git file
 * @param blobId lower-case hex Git object id, or null when the hub did not send it
 */
public record RepoFile(String path, long size, String sha256, String blobId) {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern SHA1 = Pattern.compile("[0-9a-f]{40}");

    public RepoFile {
        if (size < -1) throw new IllegalArgumentException(path + ": negative size");
        if (sha256 != null && !SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException(path + ": '" + sha256 + "' is not a SHA-256");
        }
        if (blobId != null && !SHA1.matcher(blobId).matches() && !SHA256.matcher(blobId).matches()) {
            throw new IllegalArgumentException(path + ": '" + blobId + "' is not a Git object id");
        }
    }

    /** A file as listed; a hash that is not one is dropped, and the file then counts as not described. */
    static RepoFile listed(String path, long size, String sha256, String blobId) {
        String lfs = sha256 != null && SHA256.matcher(sha256).matches() ? sha256 : null;
        String git = blobId != null && isHash(blobId) ? blobId : null;
        return new RepoFile(path, Math.max(-1, size), lfs, git);
    }

    /** Whether size and hash are known, so that the file can be fetched and verified. */
    public boolean described() {
        return size >= 0 && (sha256 != null || blobId != null);
    }

    /** The name of this file's blob in the huggingface_hub cache: its ETag, the SHA-256 for LFS files. */
    public String blobName() {
        return sha256 != null ? sha256 : blobId;
    }

    /** How its bytes are checked: SHA-256 for LFS files, the Git blob hash for the others. */
    ContentCheck check() {
        return sha256 != null ? ContentCheck.sha256(sha256) : ContentCheck.gitBlob(blobId, size);
    }

    /** Whether a hub {@code ETag} can name this kind of file's blob. */
    static boolean isHash(String etag) {
        return etag != null && (SHA256.matcher(etag).matches() || SHA1.matcher(etag).matches());
    }

    static boolean isSha256(String etag) {
        return etag != null && SHA256.matcher(etag).matches();
    }
}
