package org.replique.server.hub;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the hub is, who we are there, and where its files are kept on disk — read from the same
 * environment variables as huggingface_hub, so that the two share one cache:
 * {@code HF_ENDPOINT} (default the public hub), {@code HF_TOKEN} (else the token file that
 * {@code hf auth login} writes, {@code HF_HOME/token}), and {@code HF_HUB_CACHE}, else
 * {@code HF_HOME/hub} with {@code HF_HOME} defaulting to {@code $XDG_CACHE_HOME/huggingface} or
 * {@code ~/.cache/huggingface}.
 *
 * @param token null when anonymous; never printed
 */
public record HubSettings(URI endpoint, String token, Path cache) {

    public static final URI PUBLIC_HUB = URI.create("https://huggingface.co");

    public HubSettings {
        endpoint = checkedEndpoint(endpoint);
        if (token != null && token.isBlank()) token = null;
    }

    /** The settings of this process's environment. */
    public static HubSettings fromEnvironment() {
        return from(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** The settings an environment gives, {@code home} being the user's home folder. */
    public static HubSettings from(Map<String, String> env, Path home) {
        String endpointText = env.get("HF_ENDPOINT");
        URI endpoint = endpointText == null || endpointText.isBlank() ? PUBLIC_HUB : parseEndpoint(endpointText.strip());
        return new HubSettings(endpoint, token(env, home), hubCache(env, home));
    }

    /** The huggingface_hub cache folder an environment names (the folder holding {@code models--…}). */
    public static Path hubCache(Map<String, String> env, Path home) {
        String explicit = firstSet(env, "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE");
        return explicit != null ? expand(explicit, home) : hfHome(env, home).resolve("hub");
    }

    /** The cache folder of this process's environment. */
    public static Path hubCacheFromEnvironment() {
        return hubCache(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** Whether requests to {@code uri} may carry the token: only those to the endpoint's own origin. */
    public boolean mayAuthorize(URI uri) {
        return token != null && sameOrigin(endpoint, uri);
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        if (u.getPort() >= 0) return u.getPort();
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private static Path hfHome(Map<String, String> env, Path home) {
        String hfHome = env.get("HF_HOME");
        if (hfHome != null && !hfHome.isBlank()) return expand(hfHome, home);
        String xdg = env.get("XDG_CACHE_HOME");
        Path cacheHome = xdg != null && !xdg.isBlank() ? expand(xdg, home) : home.resolve(".cache");
        return cacheHome.resolve("huggingface");
    }

    private static String token(Map<String, String> env, Path home) {
        String token = firstSet(env, "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN");
        if (token != null) return token.strip();
        String tokenPath = env.get("HF_TOKEN_PATH");
        Path file = tokenPath != null && !tokenPath.isBlank() ? expand(tokenPath, home) : hfHome(env, home).resolve("token");
        try {
            if (Files.isRegularFile(file)) {
                String stored = Files.readString(file, StandardCharsets.UTF_8).strip();
                return stored.isEmpty() ? null : stored;
            }
        } catch (IOException e) {
            // An unreadable token file means anonymous access, as for huggingface_hub.
        }
        return null;
    }

    private static String firstSet(Map<String, String> env, String... names) {
        for (String n : names) {
            String v = env.get(n);
            if (v != null && !v.isBlank()) return v;
        }
        return null;
    }

    private static Path expand(String path, Path home) {
        if (path.equals("~")) return home;
        if (path.startsWith("~/")) return home.resolve(path.substring(2));
        return Path.of(path);
    }

    private static URI parseEndpoint(String text) {
        try {
            return URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("HF_ENDPOINT '" + text + "' is not a URL", e);
        }
    }

    private static URI checkedEndpoint(URI endpoint) {
        String scheme = endpoint.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                || endpoint.getHost() == null) {
            throw new IllegalArgumentException("HF_ENDPOINT '" + endpoint + "' is not an http(s) URL with a host");
        }
        String path = endpoint.getPath();
        return path != null && path.endsWith("/") ? URI.create(endpoint.toString().replaceAll("/+$", "")) : endpoint;
    }

    /** Never shows the token. */
    @Override
    public String toString() {
        return "HubSettings[endpoint=" + endpoint + ", token=" + (token == null ? "none" : "set") + ", cache=" + cache + "]";
    }
}
