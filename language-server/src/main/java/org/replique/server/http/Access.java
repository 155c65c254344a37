package org.replique.server.http;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.replique.server.openai.ApiError;

/**
 * Who may ask: on the loopback interface anyone on the machine (unless a key is set), on any
 * other address only holders of the API key, sent as {@code Authorization: Bearer KEY} as OpenAI
 * clients send it. {@code /health} stays open (load balancers probe it; it reveals nothing).
 */
final class Access extends Filter {
    private final byte[] key;
    private final ServerStats stats;

    /** @param key null for no key (loopback only) */
    Access(String key, ServerStats stats) {
        this.key = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        this.stats = stats;
    }

    /**
     * Refuses to serve {@code address} without a key unless it is a loopback address: anyone on
     * the network could otherwise read the scripts sent to the model and use the machine.
     */
    static void check(InetAddress address, String key) {
        if (!address.isLoopbackAddress() && (key == null || key.isEmpty())) {
            throw new IllegalArgumentException("serving on " + address.getHostAddress() + " (not loopback) needs an API key:"
                    + " put it in an environment variable and pass --api-key-env VAR");
        }
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        if (key == null || exchange.getRequestURI().getPath().equals("/health") || allowed(exchange)) {
            chain.doFilter(exchange);
            return;
        }
        stats.unauthorized.incrementAndGet();
        exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer");
        Exchanges.error(exchange, new ApiError(401, "invalid_request_error",
                "missing or wrong API key: send it as 'Authorization: Bearer KEY'", null, "invalid_api_key"));
    }

    private boolean allowed(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) return false;
        byte[] given = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, key);
    }

    @Override
    public String description() {
        return "API key check";
    }
}
