package org.replique.dialogue.claire;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.replique.dialogue.document.CastMember;
import org.replique.dialogue.document.Names;

/**
 * The speakers of one prompt and their Claire labels, assigned in order of first appearance so
 * that a speaker keeps one label over the whole prompt ({@code Intervenant 2} is the second person
 * to speak), and mapped back to the document's own names.
 */
public final class SpeakerMap {
    private final LabelStyle style;
    private final List<CastMember> cast;
    private final Map<String, String> labelByKey = new LinkedHashMap<>();
    private final Map<String, String> nameByLabel = new HashMap<>();

    /**
     * @param style NAMED or INTERVENANT (DASH maps names too, for the way back)
     * @param cast  the play's cast list, whose full names label shorter cues (see {@link ClaireNames#castLabel})
     */
    public SpeakerMap(LabelStyle style, List<CastMember> cast) {
        this.style = style;
        this.cast = List.copyOf(cast);
    }

    public LabelStyle style() {
        return style;
    }

    /**
     * The label of a speaker (the document's name, e.g. {@code ALCESTE}; {@code speakers} lists the
     * people of a speech said together, else just the name).
     */
    public String label(String name, List<String> speakers) {
        String key = key(name, speakers);
        String label = labelByKey.get(key);
        if (label == null) {
            if (style == LabelStyle.INTERVENANT) {
                label = "Intervenant " + (labelByKey.size() + 1);
            } else if (speakers.size() > 1) {
                label = ClaireNames.label(speakers);
            } else {
                String fromCast = ClaireNames.castLabel(cast, name);
                label = fromCast != null ? fromCast : ClaireNames.label(name);
            }
            labelByKey.put(key, label);
            nameByLabel.putIfAbsent(Names.key(label), name);
        }
        return label;
    }

    /** One key per person, or per group of people whatever the order they are printed in. */
    private static String key(String name, List<String> speakers) {
        if (speakers.size() < 2) {
            return Names.key(name);
        }
        return speakers.stream().map(Names::key).sorted().collect(java.util.stream.Collectors.joining("|"));
    }

    /** The document's name for a label the model wrote, or null if this prompt has no such speaker. */
    public String documentName(String label) {
        return nameByLabel.get(Names.key(label));
    }

    /** Document names in order of first appearance. */
    public List<String> documentNames() {
        List<String> names = new ArrayList<>();
        for (String label : labelByKey.values()) {
            names.add(nameByLabel.get(Names.key(label)));
        }
        return Collections.unmodifiableList(names);
    }

    /** Label to document name, in order of first appearance. */
    public Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String label : labelByKey.values()) {
            labels.put(label, nameByLabel.get(Names.key(label)));
        }
        return Collections.unmodifiableMap(labels);
    }
}
