package org.replique.server.generation;

import java.util.List;
import org.replique.engine.generate.Completion;
import org.replique.engine.session.RequestCost;

/**
 * What one request produced.
 *
 * @param completions one per candidate; their token ids are empty when a remote server generated them
 * @param cost        tokens reused / evaluated / generated and the times, as far as they are known
 *                    (a remote server reports the counts in its usage, the times are measured here)
 */
public record Continued(List<Completion> completions, RequestCost cost) {

    public Completion first() {
        return completions.getFirst();
    }
}
