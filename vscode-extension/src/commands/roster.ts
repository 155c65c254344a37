/**
 * The speakers offered by "Generate Dialogue": the character cues among the server's
 * ordinary completion items (recent speakers first), in whatever form the document uses
 * (`BRICK`, `ALCESTE.`, `PHILINTE :`, `[Alceste:]`), reduced to the bare name.
 */

export interface CompletionItemLike {
  label: string | { label: string };
  kind?: number;
  detail?: string;
}

/** LSP `CompletionItemKind.Reference`: the kind the server gives to character cues. */
const KIND_REFERENCE = 18;

const SCENE_PREFIX = /^(INT|EXT|EST|INT\.?\/EXT|I\/E)\b/i;
const TRANSITION = /\bTO:$|^FADE (IN|OUT)|^CUT TO|^>/;

/** The bare speaker name of a cue, or undefined when the text is not a cue. */
export function speakerName(text: string): string | undefined {
  let name = text.trim();
  const bracket = /^\[([^\]]+?)\s*:?\s*\]$/.exec(name);
  if (bracket) {
    name = bracket[1];
  } else {
    name = name
      .replace(/^@/, '')
      .replace(/\s*\^$/, '')
      .replace(/\s*\((V\.O\.|O\.S\.|O\.C\.|CONT'D|CONT’D|OFF)\)\s*$/i, '')
      .replace(/\s*[.:]\s*$/, '');
  }
  name = name.trim();
  if (!name || name.length > 40 || SCENE_PREFIX.test(name) || TRANSITION.test(name) || /^- ?/.test(name)) {
    return undefined;
  }
  if (/^Intervenant\s+\d+$/i.test(name)) return name;
  // A cue is a name: letters, spaces, apostrophes, hyphens, dots, digits; no sentence punctuation.
  if (!/^[\p{L}\p{N}][\p{L}\p{N} '’.\-]*$/u.test(name) || /[.!?…]\s+\p{L}/u.test(name) || name.split(/\s+/).length > 4) {
    return undefined;
  }
  return name;
}

export function roster(items: readonly CompletionItemLike[]): string[] {
  const names: string[] = [];
  const seen = new Set<string>();
  // Cues are the Reference items ("character"); without such items, every item is looked at.
  const cues = items.filter((item) => item.kind === KIND_REFERENCE || item.detail === 'character');
  for (const item of cues.length > 0 ? cues : items) {
    const label = typeof item.label === 'string' ? item.label : item.label.label;
    const name = speakerName(label);
    if (name && !seen.has(name.toLocaleUpperCase())) {
      seen.add(name.toLocaleUpperCase());
      names.push(name);
    }
  }
  return names;
}

/** Names typed by the user: `Alceste, Philinte` → `['Alceste', 'Philinte']`. */
export function parseSpeakers(text: string): string[] {
  const names = text
    .split(/[,;\n]/)
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  return names.filter((name, i) => names.findIndex((other) => other.toLocaleUpperCase() === name.toLocaleUpperCase()) === i);
}

/** Validation of the "how many turns" answer; undefined when valid. */
export function turnsError(text: string, max = 40): string | undefined {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return 'Type a whole number of turns, e.g. 4.';
  const n = Number(trimmed);
  if (n < 1 || n > max) return `Choose between 1 and ${max} turns.`;
  return undefined;
}

/**
 * The speakers of the quick pick: the ticked names, plus the names typed in its box. A single
 * typed fragment that only starts a name of the cast (`BRI` for `BRICK`) was used to filter
 * the list, not to name a new character; a typed cast name takes the cast's spelling.
 */
export function combineSpeakers(ticked: readonly string[], typed: string, cast: readonly string[]): string[] {
  const upper = (s: string): string => s.toLocaleUpperCase();
  const names = parseSpeakers(typed);
  const extra = names
    .map((name) => cast.find((member) => upper(member) === upper(name)) ?? name)
    .filter((name) => names.length > 1 || !cast.some((member) => upper(member) !== upper(name) && upper(member).startsWith(upper(name))));
  return parseSpeakers([...ticked, ...extra].join(','));
}
