package org.replique.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Byte-level BPE ({@code tokenizer.ggml.model = gpt2}) as llama.cpp applies it: the text is split
 * into words by the vocabulary's {@link PreTokenizer}; each word's UTF-8 bytes are spelled with
 * {@link ByteLevel}'s characters; adjacent symbols then merge pairwise, always the pair whose merge
 * comes first in {@code tokenizer.ggml.merges} (leftmost on ties), until no listed merge applies.
 */
final class ByteLevelBpe {
    private record Pair(String left, String right) {}

    private final Vocabulary vocab;
    private final PreTokenizer preTokenizer;
    private final Map<Pair, Integer> ranks;

    ByteLevelBpe(Vocabulary vocab) {
        this.vocab = vocab;
        this.preTokenizer = vocab.preTokenizer();
        String[] merges = vocab.merges();
        this.ranks = new HashMap<>(merges.length * 2);
        for (int rank = 0; rank < merges.length; rank++) {
            // "left right", split at the first space after the first character, as llama.cpp does
            int space = merges[rank].indexOf(' ', 1);
            Pair pair = space < 0 ? new Pair("", "") : new Pair(merges[rank].substring(0, space), merges[rank].substring(space + 1));
            ranks.putIfAbsent(pair, rank);
        }
    }

    /** Appends the ids of {@code text}, a fragment without special tokens. */
    void encode(String text, List<Integer> out) {
        int[] cps = Codepoints.of(text);
        int start = 0;
        for (int length : preTokenizer.split(cps)) {
            byte[] utf8 = new String(cps, start, length).getBytes(StandardCharsets.UTF_8);
            start += length;
            String word = ByteLevel.encode(utf8, 0, utf8.length);
            int whole = preTokenizer.wholeWordTokens ? vocab.id(word) : -1;
            if (whole >= 0) {
                out.add(whole);
            } else {
                merge(word, out);
            }
        }
    }

    private record Bigram(int left, int right, int rank, String text) {}

    /** Merges one spelled word and appends its tokens. */
    private void merge(String word, List<Integer> out) {
        int n = word.length(); // one symbol per byte character (all are single UTF-16 units)
        int[] symbolStart = new int[n];
        int[] symbolLength = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            symbolStart[i] = i;
            symbolLength[i] = 1;
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) -> a.rank != b.rank
                ? Integer.compare(a.rank, b.rank) : Integer.compare(a.left, b.left));
        for (int i = 1; i < n; i++) addBigram(word, symbolStart, symbolLength, i - 1, i, queue);
        while (!queue.isEmpty()) {
            Bigram b = queue.poll();
            if (symbolLength[b.left] == 0 || symbolLength[b.right] == 0) continue;
            String current = word.substring(symbolStart[b.left], symbolStart[b.left] + symbolLength[b.left])
                    + word.substring(symbolStart[b.right], symbolStart[b.right] + symbolLength[b.right]);
            if (!current.equals(b.text)) continue; // a side has merged since this pair was queued
            symbolLength[b.left] += symbolLength[b.right];
            symbolLength[b.right] = 0;
            next[b.left] = next[b.right];
            if (next[b.right] >= 0) prev[next[b.right]] = b.left;
            addBigram(word, symbolStart, symbolLength, prev[b.left], b.left, queue);
            addBigram(word, symbolStart, symbolLength, b.left, next[b.left], queue);
        }
        for (int i = 0; i != -1 && n > 0; i = next[i]) {
            String symbol = word.substring(symbolStart[i], symbolStart[i] + symbolLength[i]);
            int id = vocab.id(symbol);
            if (id >= 0) {
                out.add(id);
                continue;
            }
            // Not a token (a vocabulary without every byte): llama.cpp looks up each byte of the
            // symbol's UTF-8 as a one-byte text, which only an ASCII byte can be, and drops the rest.
            for (byte b : symbol.getBytes(StandardCharsets.UTF_8)) {
                int single = b >= 0 ? vocab.id(String.valueOf((char) b)) : -1;
                if (single >= 0) out.add(single);
            }
        }
    }

    private void addBigram(String word, int[] start, int[] length, int left, int right, PriorityQueue<Bigram> queue) {
        if (left < 0 || right < 0) return;
        String l = word.substring(start[left], start[left] + length[left]);
        String r = word.substring(start[right], start[right] + length[right]);
        Integer rank = ranks.get(new Pair(l, r));
        if (rank != null) queue.add(new Bigram(left, right, rank, l + r));
    }

    /**
     * The bytes of a normal token: each character of its piece is the byte {@link ByteLevel} maps
     * it to. A character outside the mapping becomes llama.cpp's {@code [UNK_BYTE_0x…]} marker.
     */
    byte[] normalPieceBytes(String piece) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(piece.length());
        for (int i = 0; i < piece.length(); ) {
            int cp = piece.codePointAt(i);
            i += Character.charCount(cp);
            int b = ByteLevel.decode(cp);
            if (b >= 0) {
                bytes.write(b);
            } else {
                StringBuilder marker = new StringBuilder("[UNK_BYTE_0x");
                for (byte u : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                    marker.append(String.format("%02x", u & 0xff));
                }
                marker.append(piece).append(']');
                bytes.writeBytes(marker.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toByteArray();
    }

    /** The words of {@code text} as the pre-tokenizer splits it (a view for tests). */
    List<String> words(String text) {
        int[] cps = Codepoints.of(text);
        List<String> words = new ArrayList<>();
        int start = 0;
        for (int length : preTokenizer.split(cps)) {
            words.add(new String(cps, start, length));
            start += length;
        }
        return words;
    }
}
