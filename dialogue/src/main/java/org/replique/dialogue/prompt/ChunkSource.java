package org.replique.dialogue.prompt;

import java.util.List;

/** Where the chunks of other files come from (the server keeps a ring of the project's files). */
@FunctionalInterface
public interface ChunkSource {
    /** No other file. */
    ChunkSource NONE = people -> List.of();

    /**
     * Chunks about {@code people} (document names, the most concerned first), best first: their
     * earlier speeches, then their descriptions. The prompt keeps as many as its budget allows.
     */
    List<ContextChunk> about(List<String> people);
}
