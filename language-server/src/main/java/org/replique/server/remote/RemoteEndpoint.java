package org.replique.server.remote;

import java.net.URI;

/**
 * Where an OpenAI-compatible server is: its API's base URL (ending in {@code /v1}, as OpenAI
 * clients write it; added when the URL has no path), and the server's root, where vLLM and
 * llama-server answer {@code /tokenize} and {@code /health}. The key is sent as a bearer token.
 *
 * @param apiKey null when the server needs none
 */
public record RemoteEndpoint(URI base, URI root, String apiKey) {

    /** From a base URL such as {@code http://gpu-box:8000/v1} (or {@code http://gpu-box:8000}). */
    public static RemoteEndpoint of(String url, String apiKey) {
        String s = url.strip();
        while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
        URI u = URI.create(s);
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        if (path.isEmpty()) {
            s = s + "/v1";
            path = "/v1";
        }
        String rootPath = path.endsWith("/v1") ? path.substring(0, path.length() - 3) : path;
        URI base = URI.create(s);
        URI root = URI.create(u.getScheme() + "://" + u.getRawAuthority() + rootPath);
        return new RemoteEndpoint(base, root, apiKey == null || apiKey.isEmpty() ? null : apiKey);
    }

    /** A path under the API's base: {@code api("/completions")}. */
    URI api(String path) {
        return URI.create(base + path);
    }

    /** A path under the server's root: {@code server("/tokenize")}. */
    URI server(String path) {
        return URI.create(root + path);
    }

    @Override
    public String toString() {
        return base.toString();
    }
}
