package org.replique.server.completion;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import org.eclipse.lsp4j.Position;
import org.replique.dialogue.prompt.ChunkSource;
import org.replique.dialogue.prompt.ContextChunk;
import org.replique.dialogue.prompt.ContinuationKind;
import org.replique.dialogue.prompt.Prompt;
import org.replique.dialogue.prompt.PromptBuilder;
import org.replique.dialogue.render.CueCompletion;
import org.replique.dialogue.render.RenderOptions;
import org.replique.dialogue.render.Renderer;
import org.replique.dialogue.render.StopRule;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.generate.Completion;
import org.replique.engine.generate.GenerationRequest;
import org.replique.engine.generate.StopReason;
import org.replique.engine.generate.TokenListener;
import org.replique.engine.sampling.SamplingParams;
import org.replique.engine.session.RequestCost;
import org.replique.server.config.ServerSettings;
import org.replique.server.documents.ParsedDocument;
import org.replique.server.generation.Continued;
import org.replique.server.generation.PromptInput;
import org.replique.server.model.LoadedModel;

/**
 * The heart of a suggestion: the prompt at the cursor, generation in the document's session, and
 * the model's turns rendered back in the document's own form. Shared by inline completion (its
 * speculation and its warming), the completion-item fallback, the generate-dialogue command, the
 * {@code complete} command and the demo: {@link #prepare} is the one place a request's prompt is
 * built and tokenized, and where a cursor that asks for no dialogue is recognised;
 * {@link #continuation} is the one place a continuation is generated. What decides when a writer
 * sees the text (the time budget, alternatives that differ) sits above that call.
 */
public final class DialogueCompleter {

    /**
     * How a request is written.
     *
     * @param alternatives   suggestions wanted, that differ from each other
     * @param budgetMillis   generation time after which a suggestion is shown, cut after a sentence or a
     *                       word; 0 for none (the whole speech)
     * @param finishAfterCut go on writing the speech after the cut (its first suggestion only; the
     *                       draft is handed over at the cut), instead of stopping there
     * @param supersede      replace the document's running request; else queue behind it (writing ahead)
     * @param besides        suggestions already offered there, which the alternatives must differ from
     */
    public record Plan(int alternatives, long budgetMillis, boolean finishAfterCut, boolean supersede,
                       List<String> besides) {
        public Plan {
            if (alternatives < 1) throw new IllegalArgumentException("at least one alternative");
            besides = List.copyOf(besides);
        }

        public Plan(int alternatives, long budgetMillis, boolean finishAfterCut, boolean supersede) {
            this(alternatives, budgetMillis, finishAfterCut, supersede, List.of());
        }

        /** This plan, for alternatives that differ from {@code offered} too. */
        public Plan besides(List<String> offered) {
            return new Plan(alternatives, budgetMillis, finishAfterCut, supersede, offered);
        }

        /** Whole speeches: commands, the demo. */
        public static Plan whole(int alternatives) {
            return new Plan(alternatives, 0, true, true);
        }

        /**
         * One speech written ahead, as if the suggestion shown were accepted: behind the document's
         * requests, drafted at the time budget and finished.
         */
        public static Plan ahead(long budgetMillis) {
            return new Plan(1, budgetMillis, true, false);
        }
    }

    /** Where a suggestion comes from. */
    public enum Source {
        /** Written by the model now. */
        MODEL,
        /** The rest of a character cue being typed, from the roster: no model. */
        CUE,
        /** Written ahead: the rest of a suggestion or the next speech, already there. */
        AHEAD
    }

    /**
     * What one request produced.
     *
     * @param suggestions     text to insert at the cursor, in the document's form, best first
     * @param kind            what the prompt asked the model for
     * @param cost            tokens reused / evaluated / generated and the time to the first token; null
     *                        when the model did not run
     * @param cut             the first suggestion was cut at the time budget
     * @param chunks          the chunks of other files the prompt started with
     * @param tokensPerSecond the generation's speed, 0 when unknown
     * @param source          where the suggestions come from
     */
    public record Outcome(List<String> suggestions, ContinuationKind kind, RequestCost cost, boolean cut,
                          List<ContextChunk> chunks, double tokensPerSecond, Source source) {
        static Outcome none(ContinuationKind kind) {
            return new Outcome(List.of(), kind, null, false, List.of(), 0, Source.MODEL);
        }
    }

    /**
     * The prompt at a cursor and the ids the model gets for it.
     *
     * @param prompt the prompt builder's result
     * @param text   the text the model continues: the prompt's, or more after it (the next turn)
     * @param tokens its ids, BOS first where the model adds one; empty when no dialogue belongs there,
     *               null when the model's tokenizer is not known here (a remote model)
     */
    public record PreparedPrompt(Prompt prompt, String text, int[] tokens) {
        public PreparedPrompt(Prompt prompt, int[] tokens) {
            this(prompt, prompt.text(), tokens);
        }

        /** Whether the cursor stands where dialogue belongs (not a heading, a title page or action). */
        public boolean asksForDialogue() {
            return prompt.kind() != ContinuationKind.NONE;
        }

        /** The prompt as the model's continuations take it. */
        public PromptInput input() {
            return new PromptInput(text, tokens);
        }
    }

    private DialogueCompleter() {}

    /** The prompt at {@code (line, column)}, built with the settings' options and tokenized once. */
    public static PreparedPrompt prepare(LoadedModel m, ParsedDocument doc, int line, int column, ServerSettings s) {
        return prepare(m, doc, line, column, s, ChunkSource.NONE);
    }

    /** The prompt at {@code (line, column)}, starting with chunks of the project's other files. */
    public static PreparedPrompt prepare(LoadedModel m, ParsedDocument doc, int line, int column, ServerSettings s,
                                         ChunkSource ring) {
        PromptTokens tokens = new PromptTokens(m.tokenCounts());
        Prompt prompt = PromptBuilder.build(doc.dialogue(), line, column,
                PromptOptionsFactory.of(s, tokens, m.continuations().contextLength(), ring));
        return new PreparedPrompt(prompt, prompt.kind() == ContinuationKind.NONE ? new int[0] : tokens.ids(prompt.text()));
    }

    /** Whole suggestions, no other file: the {@code complete} command and the demo. */
    public static Outcome complete(LoadedModel m, ParsedDocument doc, int line, int column, ServerSettings s,
                                   int candidates, Cancellation cancel) {
        return complete(m, doc, line, column, s, ChunkSource.NONE, Plan.whole(candidates), null, cancel);
    }

    /**
     * Suggestions at {@code (line, column)}, each one speech: the rest of a cue being typed, or what
     * the model writes there as {@code plan} says. {@code draft}, when not null, receives the first
     * suggestion cut at the time budget while the model goes on. Throws
     * {@link CancellationException} when cancelled before anything was generated.
     */
    public static Outcome complete(LoadedModel m, ParsedDocument doc, int line, int column, ServerSettings s,
                                   ChunkSource ring, Plan plan, Consumer<String> draft, Cancellation cancel) {
        Optional<String> cue = CueCompletion.at(doc.dialogue(), line, column);
        if (cue.isPresent()) {
            return new Outcome(List.of(cue.get()), ContinuationKind.NONE, null, false, List.of(), 0, Source.CUE);
        }
        PreparedPrompt prepared = prepare(m, doc, line, column, s, ring);
        if (!prepared.asksForDialogue()) {
            return Outcome.none(prepared.prompt().kind());
        }
        Prompt prompt = prepared.prompt();
        SamplingParams sampling = sampling(s);
        // An empty suggestion is no suggestion: a single one gets a second try.
        int attempts = plan.alternatives() == 1 ? 2 : plan.alternatives() * 2;
        List<String> written = new ArrayList<>();
        List<String> kept = List.of();
        RequestCost cost = null;
        boolean cut = false;
        double speed = 0;
        for (int attempt = 0; attempt < attempts && kept.size() < plan.alternatives(); attempt++) {
            boolean drafting = attempt == 0 && plan.alternatives() == 1 && plan.finishAfterCut() && draft != null;
            // Each alternative draws from its own random stream (a fixed seed stays reproducible).
            GenerationRequest request = new GenerationRequest(sampling.withSeed(sampling.seed() + attempt),
                    s.completion().maxTokens(), true, List.of("\n"), 1);
            Speech speech;
            try {
                speech = speech(m, doc, line, prepared, request, plan, drafting ? draft : null, cancel);
            } catch (RuntimeException e) {
                // The caller gave up, or a later alternative failed (a remote server's error): the
                // alternatives written so far stand; without any, the caller hears why.
                if (written.isEmpty()) throw e;
                break;
            }
            cost = cost == null ? speech.cost() : plus(cost, speech.cost());
            if (attempt == 0) speed = speech.tokensPerSecond();
            if (speech.cancelled()) {
                break; // cancelled by the caller: a half-written word is no suggestion
            }
            cut |= speech.cut();
            written.add(speech.text());
            List<String> all = new ArrayList<>(plan.besides());
            all.addAll(written);
            kept = SuggestionFilter.apply(all, doc.text(), line).stream().filter(t -> !plan.besides().contains(t)).toList();
        }
        List<String> best = kept.size() > plan.alternatives() ? kept.subList(0, plan.alternatives()) : kept;
        return new Outcome(best, prompt.kind(), cost, cut, prompt.chunks(), speed, Source.MODEL);
    }

    /**
     * One speech written at the cursor, rendered: the rest of the speech there or a new one; or,
     * when the speech at the cursor is over (the model ends its line at once), the next speech.
     */
    private record Speech(String text, RequestCost cost, boolean cut, boolean cancelled, double tokensPerSecond) {}

    private static Speech speech(LoadedModel m, ParsedDocument doc, int line, PreparedPrompt prepared,
                                 GenerationRequest request, Plan plan, Consumer<String> draft, Cancellation cancel) {
        Prompt prompt = prepared.prompt();
        Line first = line(m, doc, line, prepared, prompt.kind(), "", StopRule.ONE_SPEECH, request, plan, draft, cancel);
        boolean over = prompt.kind() == ContinuationKind.MID_SPEECH && first.stop() == StopReason.STOP_STRING
                && first.modelText().isBlank() && !cancel.isCancelled();
        if (!over) {
            return new Speech(first.rendered(), first.cost(), first.cut(), first.cancelled(), first.tokensPerSecond());
        }
        // The speech at the cursor is over: the next one, as a new turn after it.
        String nextText = prompt.text() + "\n";
        PreparedPrompt next = new PreparedPrompt(prompt, nextText, new PromptTokens(m.tokenCounts()).ids(nextText));
        Line second = line(m, doc, line, next, ContinuationKind.NEW_TURN, "\n", StopRule.turns(2), request, plan, draft,
                cancel);
        return new Speech(second.rendered(), plus(first.cost(), second.cost()), second.cut(), second.cancelled(),
                second.tokensPerSecond());
    }

    /**
     * One line of the model after a prompt, within the plan's time budget.
     *
     * @param speechKind what the line holds (a new turn starts with its label), for where it may be cut
     * @param before     the model's text before this line (rendered with it), for a next turn
     */
    private record Line(String modelText, String rendered, StopReason stop, RequestCost cost, boolean cut,
                        boolean cancelled, double tokensPerSecond) {}

    private static Line line(LoadedModel m, ParsedDocument doc, int cursorLine, PreparedPrompt prepared,
                             ContinuationKind speechKind, String before, StopRule rule, GenerationRequest request, Plan plan,
                             Consumer<String> draft, Cancellation cancel) {
        Prompt prompt = prepared.prompt();
        Linked stop = new Linked(cancel);
        SpeechBudget budget = new SpeechBudget(plan.budgetMillis(), speechKind, System::nanoTime, text -> {
            if (!plan.finishAfterCut()) {
                stop.cancel();
            } else if (draft != null) {
                String shown = rendered(doc, prompt, before + text, rule);
                if (!SuggestionFilter.apply(List.of(shown), doc.text(), cursorLine).isEmpty()) draft.accept(shown);
            }
        });
        Continued result = continuation(m, doc.text().uri(), prepared, request, budget, stop, plan.supersede());
        Completion c = result.first();
        boolean ownCut = budget.cut() != null && !plan.finishAfterCut();
        boolean cancelled = c.stopReason() == StopReason.CANCELLED && !ownCut;
        boolean ended = c.stopReason() == StopReason.STOP_STRING || c.stopReason() == StopReason.END_OF_SEQUENCE;
        String text = ownCut ? budget.cut() : SpeechCut.finished(c.text(), SpeechCut.speechStart(c.text(), speechKind), ended);
        String shown = text.isEmpty() ? "" : rendered(doc, prompt, before + text, rule);
        return new Line(c.text(), shown, c.stopReason(), result.cost(), budget.cut() != null, cancelled,
                budget.tokensPerSecond());
    }

    /**
     * The one place a continuation of a prepared prompt is generated: the document's session
     * brings its cache to the prompt's tokens and writes after them. {@code supersede} cancels the
     * document's running and waiting requests first (a keystroke replaces the previous one);
     * otherwise the request queues behind them (writing ahead).
     */
    static Continued continuation(LoadedModel m, String uri, PreparedPrompt prompt, GenerationRequest request,
                                  TokenListener listener, Cancellation cancel, boolean supersede) {
        return supersede
                ? m.continuations().supersede(uri, prompt.input(), request, listener, cancel)
                : m.continuations().complete(uri, prompt.input(), request, listener, cancel);
    }

    private static String rendered(ParsedDocument doc, Prompt prompt, String modelText, StopRule rule) {
        return Renderer.render(doc.dialogue(), prompt, modelText, RenderOptions.defaults().withStop(rule)).text();
    }

    private static RequestCost plus(RequestCost a, RequestCost b) {
        return new RequestCost(a.promptTokens(), a.reusedTokens(), a.evaluatedTokens() + b.evaluatedTokens(),
                a.generatedTokens() + b.generatedTokens(), a.waitNanos() + b.waitNanos(), a.prefillNanos(),
                a.firstTokenNanos(), a.totalNanos() + b.totalNanos());
    }

    /**
     * Evaluates the prompt at the end of the document in its session without generating, so that
     * the first suggestion there pays only for what is typed since. Throws
     * {@link CancellationException} when a request for the document comes first (it goes on from
     * what was evaluated).
     */
    public static void warm(LoadedModel m, ParsedDocument doc, ServerSettings s, ChunkSource ring, Cancellation cancel) {
        Position end = doc.text().endOfText();
        PreparedPrompt prepared = prepare(m, doc, end.getLine(), end.getCharacter(), s, ring);
        if (prepared.asksForDialogue()) {
            m.continuations().warm(doc.text().uri(), prepared.input(), cancel);
        }
    }

    /** The model card's sampling with the configured overrides; a fresh seed unless one is fixed. */
    public static SamplingParams sampling(ServerSettings s) {
        ServerSettings.SamplingSettings p = s.sampling();
        long seed = p.seed() != null ? p.seed() : System.nanoTime();
        return new SamplingParams(p.temperature(), p.topK(), p.topP(), p.minP(), p.repeatPenalty(), 64, seed);
    }

    /** Cancelled when its parent is, or by itself (a cut at the time budget stops only its own request). */
    static final class Linked extends Cancellation {
        private final Cancellation parent;

        Linked(Cancellation parent) {
            this.parent = parent;
        }

        @Override
        public boolean isCancelled() {
            return super.isCancelled() || parent.isCancelled();
        }
    }
}
