package org.replique.engine.model;

/**
 * How to load a model.
 *
 * @param slidingWindow ≥ 0 overrides the file's attention window (0 = none); −1 keeps the file's
 * @param weights       as stored, or quantized at load
 * @param progress      told how far the load has got, or null: with a progress listener the
 *                      weights are read in ahead of use (the first request does not stall on page
 *                      faults)
 */
public record LoadOptions(int slidingWindow, WeightsFormat weights, LoadProgress progress) {
    public static final LoadOptions DEFAULT = new LoadOptions(-1, WeightsFormat.AS_STORED, null);

    public LoadOptions {
        if (weights == null) weights = WeightsFormat.AS_STORED;
    }

    public LoadOptions withSlidingWindow(int window) {
        return new LoadOptions(window, weights, progress);
    }

    public LoadOptions withWeights(WeightsFormat format) {
        return new LoadOptions(slidingWindow, format, progress);
    }

    public LoadOptions withProgress(LoadProgress listener) {
        return new LoadOptions(slidingWindow, weights, listener);
    }
}
