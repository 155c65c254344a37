package org.replique.dialogue.render;

/**
 * How to render the model's turns.
 *
 * @param stop                where to stop
 * @param onlyPresentSpeakers stop before a turn by someone who is not in the scene (listed in a
 *                            play's scene heading, or who has spoken in it); no effect in a scene
 *                            where nobody has spoken and none is listed
 * @param markContinued       add {@code (CONT'D)} to a Fountain cue when the same speaker goes on after action
 */
public record RenderOptions(StopRule stop, boolean onlyPresentSpeakers, boolean markContinued) {

    public static RenderOptions defaults() {
        return new RenderOptions(StopRule.ONE_SPEECH, false, true);
    }

    public RenderOptions withStop(StopRule rule) {
        return new RenderOptions(rule, onlyPresentSpeakers, markContinued);
    }

    public RenderOptions withOnlyPresentSpeakers(boolean only) {
        return new RenderOptions(stop, only, markContinued);
    }
}
