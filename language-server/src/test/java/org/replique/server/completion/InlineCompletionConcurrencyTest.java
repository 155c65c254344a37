package org.replique.server.completion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.google.gson.JsonParser;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.lsp4j.InlineCompletionItem;
import org.eclipse.lsp4j.InlineCompletionTriggerKind;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.replique.server.client.ClientChannel;
import org.replique.server.config.ServerSettings;
import org.replique.server.config.SettingsHolder;
import org.replique.server.config.SettingsParser;
import org.replique.server.context.ServerContext;
import org.replique.server.documents.ContextRing;
import org.replique.server.documents.DocumentStore;
import org.replique.server.model.ModelService;
import org.replique.server.model.ModelStatus;

/**
 * Inline completion when the document changes under a request: a request still queued when its
 * document closes answers empty, and an edit above the cursor is never answered from the
 * type-through cache. The request threads hold each task until the test runs it.
 */
class InlineCompletionConcurrencyTest {
    private static final String URI = "file:///scenes/retard.fountain";
    /** A scene long enough that its first lines lie far above the last 256 characters. */
    private static final String SCENE = """
            INT. CUISINE - JOUR

            MARIE
            Tu es en retard. Encore une fois, tu es en retard, et tu crois que je ne vois rien.

            PAUL
            Le train s'est arrêté au milieu des champs. Une heure entière, sans un mot du contrôleur.

            MARIE
            Tu dis toujours ça. Le train, la pluie, ta mère. Il y a toujours quelque chose.

            PAUL
            Cette fois c'est vrai. Demande à n'importe qui dans le wagon.

            MARIE
            Je ne connais personne dans ton wagon.

            PAUL
            """;
    private static ModelService models;

    private final HeldExecutor workers = new HeldExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final DocumentStore documents = new DocumentStore();
    private final InlineCompletionService service;

    InlineCompletionConcurrencyTest() {
        // A fixed seed, a time budget a busy test machine cannot run out of, no writing ahead (the
        // request threads run only what a test hands over) and one suggestion per request (an
        // explicit request for alternatives asks the model even where one was written ahead).
        SettingsHolder settings = new SettingsHolder();
        settings.set(SettingsParser.parse(JsonParser.parseString(
                "{\"sampling\": {\"seed\": 11}, \"completion\": {\"timeBudgetMs\": 600000, \"speculate\": false,"
                        + " \"candidates\": 1}}"),
                ServerSettings.defaults()).settings());
        service = new InlineCompletionService(new ServerContext(documents, models, settings, new ClientChannel(), workers),
                timer, new ContextRing(documents, settings));
    }

    @BeforeAll
    static void loadTheEmbeddedModel() {
        models = new ModelService();
        ModelStatus status = models.load(ServerSettings.defaults().model()).join();
        assertThat(status.ready()).as(status.message()).isTrue();
    }

    @AfterAll
    static void close() {
        models.close();
    }

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    /** The end of the last line, after the cue PAUL. */
    private static Position afterLastCue(String text) {
        String[] lines = text.split("\n", -1);
        int line = lines.length - 2;
        return new Position(line, lines[line].length());
    }

    private CompletableFuture<List<InlineCompletionItem>> ask(Position at) {
        return service.complete(URI, at, InlineCompletionTriggerKind.Invoked);
    }

    /** What the server does on {@code didClose}. */
    private void closeDocument() {
        documents.close(URI);
        service.forget(URI);
        models.closeDocument(URI);
    }

    private static TextDocumentContentChangeEvent edit(Position start, Position end, String text) {
        return new TextDocumentContentChangeEvent(new Range(start, end), text);
    }

    @Test
    void aRequestStillQueuedWhenItsDocumentClosesAnswersEmpty() throws Exception {
        documents.open(URI, "fountain", 1, SCENE);
        CompletableFuture<List<InlineCompletionItem>> answer = ask(afterLastCue(SCENE));
        Runnable queued = workers.next();

        closeDocument();
        assertThatCode(queued::run).doesNotThrowAnyException();

        assertThat(answer).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(List.of());
        // Nothing ran for the closed document: it has no session.
        assertThat(models.current().orElseThrow().localSessions().orElseThrow().contains(URI)).isFalse();
    }

    @Test
    void aRequestQueuedBeforeItsDocumentWasClosedAndReopenedAnswersEmpty() throws Exception {
        documents.open(URI, "fountain", 1, SCENE);
        CompletableFuture<List<InlineCompletionItem>> old = ask(afterLastCue(SCENE));
        Runnable oldTask = workers.next();
        closeDocument();
        documents.open(URI, "fountain", 1, SCENE);
        CompletableFuture<List<InlineCompletionItem>> reopened = ask(afterLastCue(SCENE));
        Runnable newTask = workers.next();

        oldTask.run();
        assertThat(old).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(List.of());
        assertThat(reopened).isNotDone();
        newTask.run();
        assertThat(reopened).succeedsWithin(Duration.ofSeconds(5));
    }

    @Test
    void aServerThatNoLongerTakesWorkAnswersEmptyAndWarmsNothing() {
        documents.open(URI, "fountain", 1, SCENE);
        workers.shutdownNow();
        timer.shutdownNow();

        CompletableFuture<List<InlineCompletionItem>> answer = ask(afterLastCue(SCENE));
        assertThat(answer).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(List.of());
        assertThatCode(() -> service.warm(URI)).doesNotThrowAnyException();
    }

    @Test
    void anEditAboveTheCursorThatKeepsTheLengthIsNotAnsweredFromTheTypeThroughCache() throws Exception {
        documents.open(URI, "fountain", 1, SCENE);
        Position cue = afterLastCue(SCENE);
        int cursor = SCENE.lastIndexOf("PAUL") + "PAUL".length();
        CompletableFuture<List<InlineCompletionItem>> first = ask(cue);
        workers.next().run();
        String suggestion = first.get().getFirst().getInsertText().getLeft();
        assertThat(suggestion).hasSizeGreaterThan(2);

        // Typing the suggestion's first character is answered at once, from the cache.
        type(2, cursor, suggestion.substring(0, 1));
        assertThat(ask(at(cursor + 1))).isCompletedWithValueMatching(
                items -> items.getFirst().getInsertText().getLeft().equals(suggestion.substring(1)));
        assertThat(workers.waiting()).isZero();

        // The first cue, far above the last 256 characters, becomes MARIA: same length, other text.
        assertThat(SCENE.indexOf("MARIE")).isLessThan(SCENE.length() - 256);
        documents.change(URI, 3, List.of(edit(new Position(2, 4), new Position(2, 5), "A")));
        type(4, cursor + 1, suggestion.substring(1, 2));

        CompletableFuture<List<InlineCompletionItem>> afterEdit = ask(at(cursor + 2));
        // The model is asked again: the request waits for a request thread.
        Runnable asked = workers.next();
        assertThat(afterEdit).isNotDone();
        asked.run();
        assertThat(afterEdit).succeedsWithin(Duration.ofSeconds(30));
    }

    /** The position of a character offset in the document as it is now. */
    private Position at(int offset) {
        return documents.get(URI).orElseThrow().position(offset);
    }

    /** Inserts {@code text} at {@code offset}, as version {@code version}. */
    private void type(int version, int offset, String text) {
        Position p = at(offset);
        documents.change(URI, version, List.of(edit(p, p, text)));
    }
}
