package org.replique.server.model;

/**
 * What the server tells clients about its model ({@code replique.status} and the
 * {@code replique/status} notification).
 *
 * @param state    loading, ready or error
 * @param progress percent of the current load, 0–100
 * @param message  why the last load failed, or a note (e.g. that the embedded model is used)
 * @param lastSuggestion the last suggestion's latency, speed and context, or null before the first
 */
public record ModelStatus(String state, String model, String path, boolean embedded, long sizeBytes, String backend,
                          int threads, int progress, String message, SuggestionStats lastSuggestion) {

    public static final String LOADING = "loading";
    public static final String READY = "ready";
    public static final String ERROR = "error";

    public boolean ready() {
        return READY.equals(state);
    }

    /** This status with the last suggestion's figures. */
    public ModelStatus withSuggestion(SuggestionStats suggestion) {
        return new ModelStatus(state, model, path, embedded, sizeBytes, backend, threads, progress, message, suggestion);
    }
}
