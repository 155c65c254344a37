package org.replique.engine.generate;

import java.util.List;

/**
 * Finds stop strings in growing text and tells how much of the text is safe to show: everything
 * before a stop string, and before any tail that could still become one.
 */
public final class StopMatcher {
    private final List<String> stops;

    public StopMatcher(List<String> stops) {
        this.stops = stops;
    }

    /** Index of the earliest complete stop string, or -1. */
    public int find(CharSequence text) {
        int best = -1;
        String s = text.toString();
        for (String stop : stops) {
            int i = s.indexOf(stop);
            if (i >= 0 && (best < 0 || i < best)) best = i;
        }
        return best;
    }

    /** Length of the prefix that no stop string can start in, given more text may follow. */
    public int safeLength(CharSequence text) {
        int n = text.length();
        int safe = n;
        for (String stop : stops) {
            for (int k = Math.min(stop.length() - 1, n); k > 0; k--) {
                if (stop.regionMatches(0, text.toString(), n - k, k)) {
                    safe = Math.min(safe, n - k);
                    break;
                }
            }
        }
        // Never end between the two halves of a surrogate pair.
        if (safe > 0 && safe < n && Character.isHighSurrogate(text.charAt(safe - 1))) safe--;
        return safe;
    }
}
