package org.replique.server.hub;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpResponse.ResponseInfo;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The HTTP exchanges with the hub: redirects followed one hop at a time so that the token goes
 * only to the endpoint's own origin (a CDN on another host never sees it), and a watchdog that
 * abandons a connection silent for longer than the idle timeout (the JDK client's own timeout
 * stops at the response headers; a body can stall forever).
 */
final class HubHttp implements AutoCloseable {
    static final int MAX_REDIRECTS = 10;
    private static final String USER_AGENT = "replique/0.1";

    /** A final answer after redirects: its status and headers, those of the first hop, and the body. */
    record Reply<T>(int status, HttpHeaders first, HttpHeaders headers, URI uri, T body) {}

    /** The last sign of life of an exchange, and how to abandon it. */
    static final class Activity {
        private volatile long last = System.nanoTime();
        private volatile Runnable onAbort = () -> {};

        void touch() {
            last = System.nanoTime();
        }

        void onAbort(Runnable r) {
            onAbort = r;
        }

        long silentNanos() {
            return System.nanoTime() - last;
        }

        void abort() {
            onAbort.run();
        }
    }

    private final HttpClient client;
    private final HubSettings settings;
    private final RetryPolicy policy;

    HubHttp(HubSettings settings, RetryPolicy policy) {
        this.settings = settings;
        this.policy = policy;
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(policy.connectTimeout())
                .build();
    }

    /**
     * Sends a request and follows redirects ({@code crossOrigin} false: only those staying on the
     * endpoint's origin, returning the first that leaves it). {@code bodyFor} is asked for a
     * subscriber once the final status is known; redirect bodies are dropped.
     */
    <T> Reply<T> exchange(String method, URI uri, Map<String, String> headers, boolean crossOrigin,
                          Function<ResponseInfo, BodySubscriber<T>> bodyFor, Activity activity)
            throws IOException, InterruptedException {
        URI current = uri;
        HttpHeaders first = null;
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(current)
                    .method(method, HttpRequest.BodyPublishers.noBody())
                    .timeout(policy.idleTimeout())
                    .header("User-Agent", USER_AGENT);
            headers.forEach(b::header);
            if (settings.mayAuthorize(current)) {
                b.header("Authorization", "Bearer " + settings.token());
            }
            HttpResponse<T> r = send(b.build(), info -> isRedirect(info.statusCode())
                    ? BodySubscribers.replacing(null) : bodyFor.apply(info), activity);
            if (first == null) first = r.headers();
            if (!isRedirect(r.statusCode())) {
                return new Reply<>(r.statusCode(), first, r.headers(), current, r.body());
            }
            String location = r.headers().firstValue("Location").orElseThrow(
                    () -> new IOException("redirect without a Location from " + host(uri)));
            URI next = current.resolve(location);
            if (!crossOrigin && !HubSettings.sameOrigin(settings.endpoint(), next)) {
                return new Reply<>(r.statusCode(), first, r.headers(), current, r.body());
            }
            if (hop >= MAX_REDIRECTS) throw new IOException("more than " + MAX_REDIRECTS + " redirects from " + uri);
            current = next;
        }
    }

    /** Sends one request and waits for its body, abandoning it after {@code idleTimeout} of silence. */
    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler, Activity activity)
            throws IOException, InterruptedException {
        activity.touch();
        CompletableFuture<HttpResponse<T>> f = client.sendAsync(request, info -> {
            activity.touch();
            return handler.apply(info);
        });
        long idle = policy.idleTimeout().toNanos();
        long poll = Math.max(5, Math.min(1000, policy.idleTimeout().toMillis() / 4));
        while (true) {
            try {
                return f.get(poll, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (activity.silentNanos() > idle) {
                    activity.abort();
                    f.cancel(true);
                    throw new HttpTimeoutException("no data from " + host(request.uri()) + " for "
                            + seconds(policy.idleTimeout()));
                }
            } catch (InterruptedException e) {
                activity.abort();
                f.cancel(true);
                throw e;
            } catch (CancellationException e) {
                throw new IOException("request to " + host(request.uri()) + " cancelled", e);
            } catch (ExecutionException e) {
                throw unwrap(e.getCause(), request.uri());
            }
        }
    }

    private static IOException unwrap(Throwable cause, URI uri) {
        if (cause instanceof IOException io) return io;
        if (cause instanceof java.io.UncheckedIOException u) return u.getCause();
        if (cause instanceof HubException h) throw h;
        return new IOException("request to " + host(uri) + " failed: " + cause, cause);
    }

    static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /** Statuses that say "try again later": timeouts, rate limits, server errors. */
    static boolean isTransient(int status) {
        return status == 408 || status == 429 || (status >= 500 && status <= 599);
    }

    /** The server's {@code Retry-After}, in seconds or as an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(HttpHeaders headers) {
        String v = headers.firstValue("Retry-After").orElse(null);
        if (v == null) return null;
        v = v.strip();
        try {
            if (v.matches("\\d+")) return Duration.ofSeconds(Long.parseLong(v));
            Duration d = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
            return d.isNegative() ? Duration.ZERO : d;
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            return null;
        }
    }

    /** A failure for a transient status, carrying the wait the server asked for. */
    static TransientFailure transientStatus(int status, HttpHeaders headers, URI uri) {
        return new TransientFailure("HTTP " + status + " from " + host(uri), retryAfter(headers));
    }

    /** huggingface_hub's ETag normalisation: drop a weak-validator prefix and the quotes. */
    static String normalizeEtag(String etag) {
        if (etag == null) return null;
        String e = etag.strip();
        if (e.startsWith("W/")) e = e.substring(2);
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) e = e.substring(1, e.length() - 1);
        return e;
    }

    static String host(URI uri) {
        return uri.getPort() >= 0 ? uri.getHost() + ":" + uri.getPort() : uri.getHost();
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    @Override
    public void close() {
        client.shutdownNow();
    }
}
