package org.replique.engine.session;

import org.replique.engine.generate.GenerationResult;

/** The outcome of a request on a {@link CompletionSession}: what was generated and what it cost. */
public record SessionResult(GenerationResult generation, RequestCost cost) {}
