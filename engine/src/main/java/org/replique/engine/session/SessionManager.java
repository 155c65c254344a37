package org.replique.engine.session;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.generate.GenerationRequest;
import org.replique.engine.generate.TokenListener;
import org.replique.engine.model.ModelConfig;

/**
 * The completion sessions of the open documents, one per key, created on first use and kept
 * under a memory budget: when a new session does not fit, the least recently used idle ones are
 * closed. A session in use (a request running or waiting on it) is never evicted; when only such
 * sessions hold the memory, a new one waits for one of them to finish.
 *
 * <p>The manager's own lock guards only its bookkeeping, so requests on different documents run
 * concurrently; requests on one document run one at a time (see {@link CompletionSession}).
 */
public final class SessionManager implements AutoCloseable {
    /** Full-context sessions the default budget has room for. */
    public static final int DEFAULT_SESSIONS = 4;

    private final Backend backend;
    private final int contextLength;
    /** 0 until the first session is created when the budget is the default one. */
    private long budgetBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    /** In access order: the first entry is the least recently used. */
    private final LinkedHashMap<String, Entry> sessions = new LinkedHashMap<>(16, 0.75f, true);
    /** Sessions removed from the map while in use: their memory counts until the last user leaves. */
    private final List<Entry> closing = new ArrayList<>();
    private long sessionBytes;
    private boolean closed;

    private static final class Entry {
        final CompletionSession session;
        final long bytes;
        int users;

        Entry(CompletionSession session) {
            this.session = session;
            this.bytes = session.memoryBytes();
        }
    }

    /** Sessions of {@code contextLength} positions under room for {@link #DEFAULT_SESSIONS} of them. */
    public SessionManager(Backend backend, int contextLength) {
        this(backend, contextLength, 0);
    }

    /**
     * Sessions of {@code contextLength} positions under {@code budgetBytes} (0: room for
     * {@link #DEFAULT_SESSIONS}, measured on the first session).
     */
    public SessionManager(Backend backend, int contextLength, long budgetBytes) {
        if (budgetBytes < 0) throw new IllegalArgumentException("negative memory budget");
        this.backend = backend;
        this.contextLength = contextLength;
        this.budgetBytes = budgetBytes;
    }

    /**
     * Bytes of one session's F32 KV cache at {@code contextLength} positions, for planning: keys
     * and values of every layer (scratch buffers add a little; the sliding-window ring holds less).
     */
    public static long kvCacheBytes(ModelConfig config, int contextLength) {
        return 2L * config.layers() * config.kvDim() * Float.BYTES * contextLength;
    }

    /** Runs a request on the document's session; see {@link CompletionSession#complete}. */
    public SessionResult complete(String key, int[] prompt, GenerationRequest request, TokenListener listener,
                                  Cancellation cancel) {
        return withSession(key, cancel, s -> s.complete(prompt, request, listener, cancel));
    }

    /** Runs a request that replaces the document's earlier ones; see {@link CompletionSession#supersede}. */
    public SessionResult supersede(String key, int[] prompt, GenerationRequest request, TokenListener listener,
                                   Cancellation cancel) {
        return withSession(key, cancel, s -> s.supersede(prompt, request, listener, cancel));
    }

    /**
     * Runs {@code work} on the document's session, created if needed, which cannot be evicted
     * until {@code work} returns. {@code cancel} stops a wait for memory.
     */
    public <T> T withSession(String key, Cancellation cancel, Function<CompletionSession, T> work) {
        Entry entry = acquire(key, cancel);
        try {
            return work.apply(entry.session);
        } finally {
            leave(entry);
        }
    }

    /** Cancels the document's running and waiting requests; false when it has no session. */
    public boolean cancel(String key) {
        lock.lock();
        try {
            Entry e = sessions.get(key);
            if (e == null) return false;
            e.session.cancel();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the document's session and frees its memory, at once when idle, else as soon as its
     * requests (cancelled here) stop. False when it had none.
     */
    public boolean close(String key) {
        lock.lock();
        try {
            Entry e = sessions.remove(key);
            if (e == null) return false;
            if (e.users > 0) {
                closing.add(e);
                e.session.cancel();
            } else {
                // Idle: nothing holds its lock, so this does not block.
                e.session.close();
                released.signalAll();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    public boolean contains(String key) {
        lock.lock();
        try {
            return sessions.containsKey(key);
        } finally {
            lock.unlock();
        }
    }

    /** The documents with a session, least recently used first. */
    public List<String> keys() {
        lock.lock();
        try {
            return List.copyOf(sessions.keySet());
        } finally {
            lock.unlock();
        }
    }

    /** Bytes held by every session, those still closing included. */
    public long memoryBytes() {
        lock.lock();
        try {
            return usedBytes();
        } finally {
            lock.unlock();
        }
    }

    /** The budget in bytes; 0 while a default budget waits for the first session to be measured. */
    public long budgetBytes() {
        lock.lock();
        try {
            return budgetBytes;
        } finally {
            lock.unlock();
        }
    }

    public int contextLength() {
        return contextLength;
    }

    /** Closes every session; requests still running are cancelled. */
    @Override
    public void close() {
        List<CompletionSession> all = new ArrayList<>();
        lock.lock();
        try {
            closed = true;
            for (Entry e : sessions.values()) all.add(e.session);
            for (Entry e : closing) all.add(e.session);
            sessions.clear();
            closing.clear();
            released.signalAll();
        } finally {
            lock.unlock();
        }
        all.forEach(CompletionSession::close);
    }

    private Entry acquire(String key, Cancellation cancel) {
        lock.lock();
        try {
            while (true) {
                if (closed) throw new IllegalStateException("the session manager is closed");
                Entry e = sessions.get(key);
                if (e != null) {
                    e.users++;
                    return e;
                }
                if (sessionBytes == 0 || makeRoom()) {
                    e = create(key);
                    e.users++;
                    return e;
                }
                // Only sessions in use hold the memory: wait for one of them to finish.
                cancel.check();
                released.await(20, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for session memory");
        } finally {
            lock.unlock();
        }
    }

    /** Evicts idle sessions, least recently used first, until a new one fits; the caller holds the lock. */
    private boolean makeRoom() {
        Iterator<Entry> it = sessions.values().iterator();
        while (usedBytes() + sessionBytes > budgetBytes && it.hasNext()) {
            Entry e = it.next();
            if (e.users == 0) {
                it.remove();
                // Idle: nothing holds its lock, so this does not block.
                e.session.close();
            }
        }
        return usedBytes() + sessionBytes <= budgetBytes;
    }

    private Entry create(String key) {
        Entry e = new Entry(new CompletionSession(backend, contextLength));
        if (sessionBytes == 0) {
            sessionBytes = e.bytes;
            if (budgetBytes == 0) budgetBytes = DEFAULT_SESSIONS * sessionBytes;
            if (sessionBytes > budgetBytes) {
                e.session.close();
                sessionBytes = 0;
                throw new IllegalArgumentException("a memory budget of " + budgetBytes + " bytes cannot hold one session of "
                        + e.bytes + " bytes");
            }
        }
        sessions.put(key, e);
        return e;
    }

    private void leave(Entry entry) {
        lock.lock();
        try {
            entry.users--;
            if (entry.users == 0 && closing.remove(entry)) entry.session.close();
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private long usedBytes() {
        long sum = 0;
        for (Entry e : sessions.values()) sum += e.bytes;
        for (Entry e : closing) sum += e.bytes;
        return sum;
    }
}
