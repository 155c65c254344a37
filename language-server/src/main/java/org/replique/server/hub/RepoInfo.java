package org.replique.server.hub;

import java.util.List;

/**
 * A repository at a resolved revision: the commit, its files, and what the model card says of the
 * licence.
 *
 * @param commit  the 40-hex commit the revision pointed to
 * @param license the card's {@code license} id (e.g. {@code cc-by-nc-sa-4.0}), or null
 * @param gated   whether the hub marks the repository as gated
 */
public record RepoInfo(RepoId repo, String revision, String commit, List<RepoFile> files, String license,
                       boolean gated) {

    public RepoInfo {
        files = List.copyOf(files);
    }

    /** The licence as people write it: {@code cc-by-nc-sa-4.0} → {@code CC BY-NC-SA 4.0}; others unchanged. */
    public String licenseTitle() {
        if (license == null) return null;
        String l = license.toLowerCase(java.util.Locale.ROOT);
        if (l.startsWith("cc-by") || l.startsWith("cc0")) {
            String[] parts = l.split("-");
            String version = parts[parts.length - 1];
            if (version.matches("\\d+(\\.\\d+)?")) {
                StringBuilder b = new StringBuilder("CC ");
                for (int i = 1; i < parts.length - 1; i++) {
                    b.append(i > 1 ? "-" : "").append(parts[i].toUpperCase(java.util.Locale.ROOT));
                }
                return (l.startsWith("cc0") ? "CC0" : b.toString()) + " " + version;
            }
        }
        return license;
    }
}
