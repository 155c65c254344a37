package org.replique.engine.generate;

/** Why a candidate ended. */
public enum StopReason {
    MAX_TOKENS, END_OF_SEQUENCE, STOP_STRING, CANCELLED, CONTEXT_FULL;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
