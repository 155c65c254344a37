package org.replique.server.hub;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.replique.server.hub.HubException.Kind;

/**
 * The hub's HTTP API as huggingface_hub uses it: a revision's file list from
 * {@code GET /api/models/OWNER/NAME/revision/REV?blobs=true}, a file's bytes from
 * {@code GET /OWNER/NAME/resolve/COMMIT/FILE} (usually a redirect to a CDN), and, for a listing
 * without hashes, the file's {@code X-Linked-Etag}/{@code ETag} and size from a {@code HEAD} on the
 * same URL. Downloads resume with {@code Range}, are verified against the listed hash before they
 * get their final name, and transient failures are retried with backoff.
 */
public final class HubClient implements AutoCloseable {

    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

    private final HubSettings settings;
    private final RetryPolicy policy;
    private final HubHttp http;
    private final PullListener listener;

    public HubClient(HubSettings settings, RetryPolicy policy, PullListener listener) {
        this.settings = settings;
        this.policy = policy;
        this.listener = listener;
        this.http = new HubHttp(settings, policy);
    }

    /** The repository at {@code revision} (a branch, tag or commit): its commit, files and licence. */
    public RepoInfo info(RepoId repo, String revision) {
        URI uri = URI.create(settings.endpoint() + "/api/models/" + repo + "/revision/" + encode(revision) + "?blobs=true");
        HubHttp.Reply<String> r = withRetries("listing " + repo, () -> {
            HubHttp.Reply<String> reply = http.exchange("GET", uri, Map.of("Accept", "application/json"), true,
                    info -> info.statusCode() == 200 ? BodySubscribers.ofString(StandardCharsets.UTF_8)
                            : BodySubscribers.replacing(null), new HubHttp.Activity());
            if (HubHttp.isTransient(reply.status())) throw HubHttp.transientStatus(reply.status(), reply.headers(), reply.uri());
            return reply;
        });
        if (r.status() != 200) throw statusError(repo, revision, null, r.status(), r.headers());
        return parseInfo(repo, revision, r.body());
    }

    /**
     * A listed file whose size or hash the listing left out, completed from the hub's headers
     * ({@code X-Linked-Size}, {@code X-Linked-Etag} or {@code ETag}) without downloading it.
     */
    public RepoFile describe(RepoId repo, String commit, RepoFile file) {
        URI uri = resolveUri(repo, commit, file.path());
        HubHttp.Reply<Void> r = withRetries(file.path(), () -> {
            HubHttp.Reply<Void> reply = http.exchange("HEAD", uri, Map.of("Accept-Encoding", "identity"), false,
                    info -> BodySubscribers.replacing(null), new HubHttp.Activity());
            if (HubHttp.isTransient(reply.status())) throw HubHttp.transientStatus(reply.status(), reply.headers(), reply.uri());
            return reply;
        });
        if (r.status() != 200 && !HubHttp.isRedirect(r.status())) {
            throw statusError(repo, commit, file.path(), r.status(), r.headers());
        }
        HttpHeaders h = r.headers();
        String etag = HubHttp.normalizeEtag(h.firstValue("X-Linked-Etag").or(() -> h.firstValue("ETag")).orElse(null));
        long size = h.firstValue("X-Linked-Size")
                .or(() -> HubHttp.isRedirect(r.status()) ? java.util.Optional.empty() : h.firstValue("Content-Length"))
                .map(Long::parseLong).orElse(-1L);
        if (!RepoFile.isHash(etag) || size < 0) {
            throw new HubException(Kind.PROTOCOL, repo + ": the hub gives no hash or size for '" + file.path()
                    + "', so its download could not be verified");
        }
        // huggingface_hub's convention: a SHA-256 ETag names an LFS file, a Git object id a plain one.
        return RepoFile.isSha256(etag) ? new RepoFile(file.path(), size, etag, file.blobId())
                : new RepoFile(file.path(), size, null, etag);
    }

    /**
     * Downloads one file to {@code incomplete} (resuming what is there), checks its hash, then moves
     * it to {@code destination}. A failed check deletes the download: a file of full length with
     * wrong bytes is no prefix to resume from. An interrupted download stays for the next pull.
     */
    @SuppressWarnings("try") // the lock is held for the whole download, never used otherwise
    public void fetch(RepoId repo, String commit, RepoFile file, Path incomplete, Path destination) {
        URI uri = resolveUri(repo, commit, file.path());
        ContentCheck check = file.check();
        RunningHash hash = new RunningHash(check);
        boolean discard = false;
        try {
            Files.createDirectories(incomplete.getParent());
            Files.createDirectories(destination.getParent());
            try (FileChannel channel = FileChannel.open(incomplete, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE); FileLock lock = tryLock(channel, file)) {
                if (channel.size() > file.size()) channel.truncate(0);
                PullListener.Transfer transfer = listener.downloading(file, channel.size());
                try {
                    download(uri, file, channel, hash, transfer);
                } finally {
                    transfer.close();
                }
                hash.catchUp(channel);
                String actual = hash.finish();
                if (!actual.equals(check.expected())) {
                    discard = true;
                    throw new HubException(Kind.INTEGRITY, file.path() + ": " + check.describe() + " mismatch (expected "
                            + check.expected() + ", got " + actual + "); the download was discarded: pull again");
                }
            }
            move(incomplete, destination);
            listener.verified(file);
        } catch (IOException e) {
            throw new HubException(Kind.IO, file.path() + ": " + e.getMessage(), e);
        } finally {
            if (discard) {
                try {
                    Files.deleteIfExists(incomplete);
                } catch (IOException ignored) {
                    // The next pull truncates a download of full length whose hash does not match.
                }
            }
        }
    }

    /** Requests the rest of the file until it is whole, retrying transient failures. */
    private void download(URI uri, RepoFile file, FileChannel channel, RunningHash hash, PullListener.Transfer transfer)
            throws IOException {
        int failures = 0;
        boolean first = true;
        while (channel.size() < file.size()) {
            long have = channel.size();
            if (!first) transfer.restartedAt(have);
            first = false;
            try {
                attempt(uri, file, channel, hash, transfer, have);
                if (channel.size() < file.size()) {
                    throw new TransientFailure("the transfer ended after " + channel.size() + " of " + file.size()
                            + " bytes", null);
                }
            } catch (DiskFailure e) {
                throw e;
            } catch (IOException e) {
                if (channel.size() > have) failures = 0; // it made progress: keep going from there
                failures++;
                if (failures >= policy.attempts()) {
                    throw new HubException(Kind.NETWORK, file.path() + ": download failed " + failures + " times in a row ("
                            + describe(e) + "); " + channel.size() + " of " + file.size()
                            + " bytes are kept, run pull again to resume");
                }
                pause(file.path(), failures, e);
            }
        }
        if (channel.size() > file.size()) {
            channel.truncate(0);
            throw new HubException(Kind.INTEGRITY, file.path() + ": the server sent more than the listed " + file.size()
                    + " bytes; the download was discarded");
        }
    }

    /** One request for the bytes after {@code have}. */
    private void attempt(URI uri, RepoFile file, FileChannel channel, RunningHash hash, PullListener.Transfer transfer,
                         long have) throws IOException {
        hash.catchUp(channel);
        HubHttp.Activity activity = new HubHttp.Activity();
        Map<String, String> headers = have > 0
                ? Map.of("Accept-Encoding", "identity", "Range", "bytes=" + have + "-")
                : Map.of("Accept-Encoding", "identity");
        HubHttp.Reply<Long> r = call(() -> http.exchange("GET", uri, headers, true, info -> {
            long start;
            if (info.statusCode() == 200) {
                start = 0;
            } else if (info.statusCode() == 206) {
                start = contentRangeStart(info.headers());
                if (start != have) return BodySubscribers.replacing(-1L); // handled below
            } else {
                return BodySubscribers.replacing(-1L);
            }
            if (start == 0 && have > 0) {
                // The server ignored the Range: start over rather than append the whole file.
                try {
                    channel.truncate(0);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(new DiskFailure("cannot truncate the download", e));
                }
                hash.reset();
                transfer.restartedAt(0);
            }
            return new FileSink(channel, start, hash, transfer, activity);
        }, activity));
        int status = r.status();
        if (status == 200 || status == 206) {
            if (r.body() == -1L) {
                channel.truncate(0);
                throw new TransientFailure("the server resumed at the wrong offset; starting over", null);
            }
            return;
        }
        if (status == 416) {
            // The server knows no byte at our offset: what we have cannot be a prefix of the file.
            channel.truncate(0);
            throw new TransientFailure("range " + have + "- refused; starting over", null);
        }
        if (HubHttp.isTransient(status)) throw HubHttp.transientStatus(status, r.headers(), r.uri());
        throw statusError(null, null, file.path(), status, r.headers());
    }

    private static long contentRangeStart(HttpHeaders h) {
        Matcher m = CONTENT_RANGE.matcher(h.firstValue("Content-Range").orElse("").strip());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    private static FileLock tryLock(FileChannel channel, RepoFile file) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new HubException(Kind.BUSY, file.path() + ": another download of this file is running");
        }
        return lock;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @FunctionalInterface
    private interface IoCall<T> {
        T run() throws IOException, InterruptedException;
    }

    /** Runs one exchange, turning an interruption into an error that keeps the thread's flag. */
    private static <T> T call(IoCall<T> c) throws IOException {
        try {
            return c.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException(Kind.NETWORK, "interrupted", e);
        }
    }

    private <T> T withRetries(String what, IoCall<T> c) {
        int failures = 0;
        while (true) {
            try {
                return call(c);
            } catch (IOException e) {
                failures++;
                if (failures >= policy.attempts()) {
                    throw new HubException(Kind.NETWORK, what + ": failed " + failures + " times in a row (" + describe(e)
                            + ") at " + settings.endpoint());
                }
                pause(what, failures, e);
            }
        }
    }

    private void pause(String what, int failures, IOException e) {
        Duration wait = e instanceof TransientFailure t && t.retryAfter() != null
                ? policy.retryAfter(t.retryAfter()) : policy.backoff(failures);
        listener.retrying(what, failures, describe(e), wait);
        try {
            policy.sleeper().sleep(wait);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new HubException(Kind.NETWORK, what + ": interrupted", ie);
        }
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return m != null && !m.isBlank() ? m : e.getClass().getSimpleName();
    }

    /** The error a final non-success status means, worded for the person who typed the command. */
    private HubException statusError(RepoId repo, String revision, String file, int status, HttpHeaders h) {
        String code = h.firstValue("X-Error-Code").orElse("");
        String message = h.firstValue("X-Error-Message").orElse("");
        String what = repo != null ? repo.toString() : "";
        String subject = file != null ? (repo != null ? repo + ": " : "") + "'" + file + "'" : what;
        String endpoint = settings.endpoint().toString();
        boolean anonymous = settings.token() == null;
        if (code.equals("RevisionNotFound")) {
            return new HubException(Kind.NOT_FOUND, what + ": revision '" + revision + "' not found on " + endpoint);
        }
        if (code.equals("EntryNotFound")) {
            return new HubException(Kind.NOT_FOUND, subject + ": not found in the repository");
        }
        if (code.equals("GatedRepo")) {
            return new HubException(Kind.GATED, subject + ": the repository is gated: accept its conditions on "
                    + endpoint + "/" + (repo != null ? repo : "") + " with your account, then set HF_TOKEN to a token"
                    + " of that account");
        }
        if (status == 401 && message.contains("Invalid credentials")) {
            return new HubException(Kind.UNAUTHORIZED, subject + ": " + endpoint + " refused HF_TOKEN (invalid"
                    + " credentials): set HF_TOKEN to a valid access token");
        }
        if (status == 404 || status == 401 || code.equals("RepoNotFound")) {
            String hint = anonymous
                    ? " (a private or gated repository answers the same without a token: set HF_TOKEN to an access"
                    + " token that can read it)"
                    : " (or HF_TOKEN cannot read it)";
            return new HubException(status == 401 ? Kind.UNAUTHORIZED : Kind.NOT_FOUND,
                    subject + ": not found on " + endpoint + hint);
        }
        if (status == 403) {
            return new HubException(Kind.UNAUTHORIZED, subject + ": access refused by " + endpoint
                    + (message.isEmpty() ? "" : " (" + message + ")")
                    + (anonymous ? "; set HF_TOKEN to an access token that can read it" : "; check what HF_TOKEN may read"));
        }
        return new HubException(Kind.PROTOCOL, subject + ": unexpected HTTP " + status + " from " + endpoint
                + (message.isEmpty() ? "" : " (" + message + ")"));
    }

    private RepoInfo parseInfo(RepoId repo, String revision, String body) {
        try {
            JsonObject o = JsonParser.parseString(body).getAsJsonObject();
            String sha = string(o, "sha");
            if (sha == null || !COMMIT.matcher(sha).matches()) {
                throw new HubException(Kind.PROTOCOL, repo + ": the hub's listing has no commit hash ('sha')");
            }
            List<RepoFile> files = new ArrayList<>();
            JsonArray siblings = o.has("siblings") && o.get("siblings").isJsonArray() ? o.getAsJsonArray("siblings") : new JsonArray();
            for (JsonElement e : siblings) {
                JsonObject s = e.getAsJsonObject();
                String name = string(s, "rfilename");
                if (name == null) throw new HubException(Kind.PROTOCOL, repo + ": a listed file has no 'rfilename'");
                JsonObject lfs = s.has("lfs") && s.get("lfs").isJsonObject() ? s.getAsJsonObject("lfs") : null;
                String sha256 = lfs != null ? string(lfs, "sha256") : null;
                long size = lfs != null && lfs.has("size") ? lfs.get("size").getAsLong()
                        : s.has("size") ? s.get("size").getAsLong() : -1;
                files.add(RepoFile.listed(name, size, sha256, string(s, "blobId")));
            }
            return new RepoInfo(repo, revision, sha, files, license(o), gated(o));
        } catch (IllegalStateException | IllegalArgumentException | JsonParseException | UnsupportedOperationException e) {
            throw new HubException(Kind.PROTOCOL, repo + ": the hub's listing is not what huggingface_hub expects: "
                    + e.getMessage(), e);
        }
    }

    private static String license(JsonObject o) {
        if (o.has("cardData") && o.get("cardData").isJsonObject()) {
            JsonElement l = o.getAsJsonObject("cardData").get("license");
            if (l != null && l.isJsonPrimitive()) return l.getAsString();
            if (l != null && l.isJsonArray() && !l.getAsJsonArray().isEmpty()) return l.getAsJsonArray().get(0).getAsString();
        }
        if (o.has("tags") && o.get("tags").isJsonArray()) {
            for (JsonElement t : o.getAsJsonArray("tags")) {
                if (t.isJsonPrimitive() && t.getAsString().startsWith("license:")) return t.getAsString().substring(8);
            }
        }
        return null;
    }

    private static boolean gated(JsonObject o) {
        JsonElement g = o.get("gated");
        return g != null && g.isJsonPrimitive() && !(g.getAsJsonPrimitive().isBoolean() && !g.getAsBoolean());
    }

    private static String string(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e != null && e.isJsonPrimitive() ? e.getAsString() : null;
    }

    URI resolveUri(RepoId repo, String commit, String path) {
        StringBuilder b = new StringBuilder(settings.endpoint().toString()).append('/').append(repo)
                .append("/resolve/").append(commit);
        for (String segment : path.split("/")) b.append('/').append(encode(segment));
        return URI.create(b.toString());
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public void close() {
        http.close();
    }
}
