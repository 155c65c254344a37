package org.replique.server.http;

import java.util.ArrayList;
import java.util.List;

/**
 * Which KV-cache session serves a request. Sessions are not named by clients: a request goes to
 * the idle session whose cached tokens share the longest prefix with its prompt, so that each
 * writer's next keystroke finds the cache of the previous one, even through a proxy or with no
 * {@code user} field. A prompt that matches no session well goes to a new session while there is
 * room, else to the least recently used idle one (whose cache it then replaces).
 * Thread-safe; a session is leased to one request at a time.
 */
final class SessionRouter {
    private final int capacity;
    private final List<Slot> slots = new ArrayList<>();
    private long clock;
    private int created;

    private static final class Slot {
        final String key;
        int[] tokens = new int[0];
        String client;
        long lastUsed;
        boolean busy;

        Slot(String key) {
            this.key = key;
        }
    }

    /** A session leased to one request. */
    record Lease(String key, int sharedTokens) {}

    /** @param capacity the most sessions (their memory is reserved by the caller) */
    SessionRouter(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("at least one session");
        this.capacity = capacity;
    }

    /** Leases a session for {@code prompt} from {@code client}. */
    synchronized Lease route(int[] prompt, String client) {
        Slot best = null;
        int bestShared = -1;
        for (Slot s : slots) {
            if (s.busy) continue;
            int shared = commonPrefix(s.tokens, prompt);
            if (shared > bestShared || shared == bestShared && prefer(s, best, client)) {
                best = s;
                bestShared = shared;
            }
        }
        Slot chosen = best != null && bestShared >= threshold(prompt.length) ? best : null;
        if (chosen == null && slots.size() < capacity) {
            chosen = new Slot("session-" + (++created));
            slots.add(chosen);
        }
        if (chosen == null) chosen = leastRecentlyUsedIdle();
        if (chosen == null) {
            // Every session is busy: more requests run than there are sessions (the caller prevents it).
            throw new IllegalStateException("no idle session among " + slots.size());
        }
        chosen.busy = true;
        chosen.client = client;
        chosen.lastUsed = ++clock;
        return new Lease(chosen.key, commonPrefix(chosen.tokens, prompt));
    }

    /** Returns a session with the tokens its cache now holds. */
    synchronized void release(Lease lease, int[] held) {
        for (Slot s : slots) {
            if (s.key.equals(lease.key())) {
                s.busy = false;
                if (held != null) s.tokens = held;
                return;
            }
        }
    }

    /** Sessions in use or kept. */
    synchronized int size() {
        return slots.size();
    }

    /**
     * How much of a prompt a session must hold to be its own: half. A writer's next keystroke shares
     * all but its last tokens with their session; two writers share more than half of a prompt only
     * when they work on the same scene, where sharing the cache is what one wants.
     */
    static int threshold(int promptLength) {
        return Math.max(1, promptLength / 2);
    }

    private boolean prefer(Slot candidate, Slot current, String client) {
        if (current == null) return true;
        boolean mine = client.equals(candidate.client);
        boolean currentMine = client.equals(current.client);
        if (mine != currentMine) return mine;
        return candidate.lastUsed > current.lastUsed;
    }

    private Slot leastRecentlyUsedIdle() {
        Slot found = null;
        for (Slot s : slots) {
            if (!s.busy && (found == null || s.lastUsed < found.lastUsed)) found = s;
        }
        return found;
    }

    static int commonPrefix(int[] a, int[] b) {
        int n = Math.min(a.length, b.length);
        int i = 0;
        while (i < n && a[i] == b[i]) i++;
        return i;
    }
}
