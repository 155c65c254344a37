package org.replique.dialogue.document;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects what a parser finds and groups it into scenes and turns, so every parser builds the
 * same structure. Not thread-safe; one builder per parse.
 */
public final class DocumentBuilder {
    private final DocumentFormat format;
    private final List<String> lines;
    private final List<Element> elements = new ArrayList<>();
    private final List<Element> asides = new ArrayList<>();
    private final List<Cue> cues = new ArrayList<>();
    private final List<Scene> scenes = new ArrayList<>();
    private final List<CastMember> cast = new ArrayList<>();

    private Element sceneHeading;
    private List<String> onStage = List.of();
    private List<Turn> sceneTurns = new ArrayList<>();

    private boolean turnOpen;
    private Cue turnCue;
    private List<Element> turnParts = new ArrayList<>();
    private TextRange turnRange;

    public DocumentBuilder(DocumentFormat format, List<String> lines) {
        this.format = format;
        this.lines = lines;
    }

    /** An element outside any speech: it ends the open turn. */
    public void add(Element element) {
        endTurn();
        elements.add(element);
    }

    /** An element that neither belongs to nor interrupts a speech (a note, a boneyard). */
    public void addAside(Element element) {
        asides.add(element);
    }

    /** Starts a scene; the heading (null for an unheaded conversation) becomes an element. */
    public void startScene(Element heading, List<String> charactersOnStage) {
        endScene();
        if (heading != null) {
            elements.add(heading);
        }
        sceneHeading = heading;
        onStage = List.copyOf(charactersOnStage);
    }

    /** Starts a speech turn with its cue; the cue's element (the name as written) is recorded too. */
    public void startTurn(Cue cue, Element cueElement) {
        endTurn();
        cues.add(cue);
        elements.add(cueElement);
        turnOpen = true;
        turnCue = cue;
        turnRange = cueElement.range();
    }

    /** Adds a part to the open turn; without one, the part opens a turn with no cue. */
    public void addPart(Element part) {
        if (!turnOpen) {
            turnOpen = true;
            turnCue = null;
            turnRange = part.range();
        }
        elements.add(part);
        turnParts.add(part);
        turnRange = turnRange.union(part.range());
    }

    /** Whether a turn is open (parts added now belong to it). */
    public boolean inTurn() {
        return turnOpen;
    }

    /** Closes the open turn, if any. */
    public void endTurn() {
        if (turnOpen) {
            sceneTurns.add(new Turn(turnCue, turnParts, turnRange));
            turnOpen = false;
            turnCue = null;
            turnParts = new ArrayList<>();
            turnRange = null;
        }
    }

    /** Records a role of the cast list (its element is added separately). */
    public void addCastMember(CastMember member) {
        cast.add(member);
    }

    private void endScene() {
        endTurn();
        // Text before the first heading is a scene only if someone speaks in it.
        if (sceneHeading != null || !sceneTurns.isEmpty()) {
            scenes.add(new Scene(sceneHeading, sceneTurns, onStage));
        }
        sceneHeading = null;
        onStage = List.of();
        sceneTurns = new ArrayList<>();
    }

    private static final Comparator<Element> BY_START = (a, b) -> TextRange.compare(
            a.range().startLine(), a.range().startColumn(), b.range().startLine(), b.range().startColumn());

    public DialogueDocument build() {
        endScene();
        List<Element> all = new ArrayList<>(elements.size() + asides.size());
        all.addAll(elements);
        all.addAll(asides);
        // Parsers add elements in order, so this sort is usually one linear pass (TimSort).
        all.sort(BY_START);
        return new DialogueDocument(format, lines, all, cues, scenes, cast);
    }
}
