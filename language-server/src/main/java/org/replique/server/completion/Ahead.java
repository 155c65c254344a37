package org.replique.server.completion;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.replique.engine.backend.Cancellation;

/**
 * What the model has written ahead of the cursor in each document: the suggestion shown (maybe
 * still being finished after its first, short, draft), then the speeches written speculatively as
 * if each were accepted. When the text before the cursor is the text of a request followed by the
 * start of what was written ahead, the rest is the next suggestion at once, without the model:
 * typing through a suggestion, accepting a word or a line of it, or accepting it all and asking
 * for the next speech. Anything else (a deletion, other text, an edit anywhere above the cursor)
 * forgets it, and cancels what is still being written for it, so a stale suggestion never comes
 * back.
 *
 * <p>The text before the request's cursor is identified by its length and SHA-256 digest, so that
 * a 10 MB document does not keep a 10 MB copy here; the document itself is kept only while
 * something is still being written for it, to recognise a contradicting edit.
 */
final class Ahead {

    /** One speech written ahead, final once the model has finished it. */
    static final class Segment {
        private final CompletableFuture<String> done = new CompletableFuture<>();
        /** Completed by the first draft, or by the end when there was none. */
        private final CompletableFuture<String> drafted = new CompletableFuture<>();
        private volatile String draft = "";

        /** The text that may be shown before the model has finished (the speech's start, at the time budget). */
        void draft(String text) {
            draft = text;
            drafted.complete(text);
        }

        /** The model has finished: the whole text, or the draft when the rest does not extend it. */
        void finish(String text) {
            done.complete(text.startsWith(draft) ? text : draft);
            drafted.complete(draft);
        }

        String draftText() {
            return draft;
        }

        CompletableFuture<String> done() {
            return done;
        }
    }

    /** What a request finds. */
    sealed interface Lookup permits Miss, Hit, Wait {}

    /** Nothing written ahead fits the text before the cursor. */
    record Miss() implements Lookup {}

    /**
     * @param rest    the suggestion: the rest of segment {@code segment}
     * @param segment its index; {@code last} when no speech is written after it yet
     */
    record Hit(String rest, int segment, boolean last) implements Lookup {}

    /** The text fits a speech still being written: ask again once it is (or once it has a draft). */
    record Wait(CompletableFuture<String> until) implements Lookup {}

    /** A request's text and what was written after it. */
    private static final class Entry {
        final int length;
        final byte[] digest;
        final List<Segment> segments = new ArrayList<>();
        final List<Cancellation> work = new ArrayList<>();
        /** The whole document when the request came, while something is still written for it; else null. */
        String document;

        Entry(CharSequence before, String document) {
            this.length = before.length();
            this.digest = digest(before, before.length());
            this.document = document;
        }
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /**
     * A request is about to write at the end of {@code before} (the first {@code before.length()}
     * characters of {@code document}): what was written ahead before is forgotten, and the
     * request's speech is the first segment. {@code work} stops its writing.
     */
    synchronized Segment begin(String uri, CharSequence before, String document, Cancellation work) {
        forget(uri);
        Entry e = new Entry(before, document);
        Segment first = new Segment();
        e.segments.add(first);
        e.work.add(work);
        entries.put(uri, e);
        first.done.whenComplete((t, x) -> settled(e));
        return first;
    }

    /**
     * A new segment after the last one, written by {@code work}, if what was written ahead is still
     * the one a lookup found with {@code before}; null otherwise (it was forgotten meanwhile).
     */
    synchronized Segment append(String uri, CharSequence before, String document, Cancellation work) {
        Entry e = entries.get(uri);
        if (e == null || !(lookup(uri, before) instanceof Hit hit) || !hit.last()) {
            return null;
        }
        Segment next = new Segment();
        e.segments.add(next);
        e.work.add(work);
        e.document = document.substring(0, e.length) + document.substring(before.length());
        next.done.whenComplete((t, x) -> settled(e));
        return next;
    }

    /**
     * A new segment after {@code last}, written by {@code work}, if {@code last} is still the last
     * segment of what is written ahead in the document (even while it is being finished); null
     * otherwise. Reserved before a suggestion is answered, so that a request that accepts it finds
     * the next speech on its way.
     */
    synchronized Segment after(String uri, Segment last, Cancellation work) {
        Entry e = entries.get(uri);
        if (e == null || e.segments.getLast() != last) {
            return null;
        }
        Segment next = new Segment();
        e.segments.add(next);
        e.work.add(work);
        next.done.whenComplete((t, x) -> settled(e));
        return next;
    }

    /** The next suggestion for a request whose cursor ends {@code before}, whole speeches only. */
    synchronized Lookup lookup(String uri, CharSequence before) {
        return lookup(uri, before, false);
    }

    /**
     * The next suggestion for a request whose cursor ends {@code before}; with {@code drafts}, the
     * draft of a speech still being written serves too (a request that has waited its time budget).
     */
    synchronized Lookup lookup(String uri, CharSequence before, boolean drafts) {
        Entry e = entries.get(uri);
        if (e == null) return new Miss();
        if (before.length() < e.length || !Arrays.equals(digest(before, e.length), e.digest)) {
            forget(uri);
            return new Miss();
        }
        String typed = before.subSequence(e.length, before.length()).toString();
        int offset = 0;
        for (int i = 0; i < e.segments.size(); i++) {
            Segment s = e.segments.get(i);
            String rel = typed.substring(offset);
            if (!s.done.isDone()) {
                String draft = s.draft;
                if (!agree(rel, draft)) {
                    forget(uri);
                    return new Miss();
                }
                if (drafts && draft.length() > rel.length()) return new Hit(draft.substring(rel.length()), i, false);
                // Until its first draft, a draft may serve; after it, only more text.
                return new Wait(s.drafted.isDone() ? s.done : s.drafted);
            }
            String text = s.done.join();
            if (rel.length() < text.length() && text.startsWith(rel)) {
                return new Hit(text.substring(rel.length()), i, i == e.segments.size() - 1);
            }
            if (!rel.startsWith(text) || text.isEmpty() && !rel.isEmpty()) {
                forget(uri);
                return new Miss();
            }
            offset += text.length();
        }
        return new Miss(); // everything written ahead was typed: the model writes the next one
    }

    /**
     * The document changed while something is still written for it: when the change contradicts
     * what is written ahead (anything but typing its start at the cursor), forget it and stop the
     * writing.
     */
    synchronized void edited(String uri, String text) {
        Entry e = entries.get(uri);
        if (e == null || e.document == null) return;
        String base = e.document;
        int after = base.length() - e.length;
        boolean kept = text.length() >= base.length() && text.regionMatches(0, base, 0, e.length)
                && text.regionMatches(text.length() - after, base, e.length, after);
        if (!kept || !consistent(e, text.substring(e.length, text.length() - after))) {
            forget(uri);
        }
    }

    /** Forgets what was written ahead in the document, and stops what is still being written. */
    synchronized void forget(String uri) {
        Entry e = entries.remove(uri);
        if (e != null) {
            e.work.forEach(Cancellation::cancel);
            e.segments.forEach(s -> s.finish(s.draft));
        }
    }

    /** Whether typed text agrees with the segments: each whole one in turn, then the start of one. */
    private static boolean consistent(Entry e, String typed) {
        int offset = 0;
        for (Segment s : e.segments) {
            String rel = typed.substring(offset);
            String text = s.done.isDone() ? s.done.join() : null;
            if (text == null) return agree(rel, s.draft);
            if (text.startsWith(rel)) return true;
            if (!rel.startsWith(text)) return false;
            offset += text.length();
        }
        return offset == typed.length();
    }

    /** One is the start of the other. */
    private static boolean agree(String a, String b) {
        return a.startsWith(b) || b.startsWith(a);
    }

    /** Once nothing is written for the entry any more, the document's copy goes. */
    private synchronized void settled(Entry e) {
        if (e.segments.stream().allMatch(s -> s.done.isDone())) e.document = null;
    }

    /** SHA-256 of the first {@code length} UTF-16 code units of {@code text}. */
    private static byte[] digest(CharSequence text, int length) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        byte[] buffer = new byte[8192];
        int filled = 0;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            buffer[filled++] = (byte) (c >>> 8);
            buffer[filled++] = (byte) c;
            if (filled == buffer.length) {
                sha.update(buffer, 0, filled);
                filled = 0;
            }
        }
        sha.update(buffer, 0, filled);
        return sha.digest();
    }
}
