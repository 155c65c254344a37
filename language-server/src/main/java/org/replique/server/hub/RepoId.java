package org.replique.server.hub;

import java.util.regex.Pattern;

/**
 * A model repository on the hub, {@code OWNER/NAME}, checked with the hub's own rules for names
 * (letters, digits, {@code - _ .}; no {@code --} or {@code ..}; at most 96 characters each), so that
 * it is always safe as part of a URL path and of a cache folder name.
 */
public record RepoId(String owner, String name) {

    private static final Pattern PART = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?");

    public RepoId {
        if (!valid(owner) || !valid(name)) {
            throw new IllegalArgumentException("'" + owner + "/" + name + "' is not a repository name (OWNER/NAME:"
                    + " letters, digits, '-', '_' and '.')");
        }
    }

    /** Parses {@code OWNER/NAME}; anything else is an {@link IllegalArgumentException} that says why. */
    public static RepoId parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0 || text.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException("'" + text + "' is not a repository name: expected OWNER/NAME,"
                    + " e.g. OpenLLM-France/Claire-Mistral-7B-0.1");
        }
        return new RepoId(text.substring(0, slash), text.substring(slash + 1));
    }

    /** Whether {@code part} is a valid owner or repository name. */
    static boolean valid(String part) {
        return part != null && PART.matcher(part).matches() && !part.contains("--") && !part.contains("..")
                && !part.endsWith(".git");
    }

    /** The huggingface_hub cache folder of this model repository: {@code models--OWNER--NAME}. */
    public String cacheFolderName() {
        return "models--" + owner + "--" + name;
    }

    @Override
    public String toString() {
        return owner + "/" + name;
    }
}
