/**
 * A small Fountain highlighter (https://fountain.io/syntax): classifies the lines of a
 * screenplay into the elements a writer wants to see at a glance. Used only when no other
 * extension (Better Fountain) highlights the `fountain` language.
 */

export const TOKEN_TYPES = ['keyword', 'function', 'parameter', 'macro', 'namespace', 'comment', 'string', 'property'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

/** What each element is shown as (standard semantic token types, coloured by every theme). */
export const ELEMENT_TOKEN: Record<FountainElement, TokenType> = {
  titleKey: 'property',
  titleValue: 'string',
  sceneHeading: 'keyword',
  character: 'function',
  parenthetical: 'parameter',
  transition: 'macro',
  section: 'namespace',
  synopsis: 'comment',
  note: 'comment',
  boneyard: 'comment',
  centered: 'string',
  lyrics: 'string',
};

export type FountainElement =
  | 'titleKey'
  | 'titleValue'
  | 'sceneHeading'
  | 'character'
  | 'parenthetical'
  | 'transition'
  | 'section'
  | 'synopsis'
  | 'note'
  | 'boneyard'
  | 'centered'
  | 'lyrics';

export interface FountainToken {
  line: number;
  start: number;
  length: number;
  element: FountainElement;
}

const SCENE = /^(INT|EXT|EST|INT\.?\/EXT|I\.?\/E)[.\s]/i;
const TITLE_KEY = /^(Title|Credit|Authors?|Source|Draft date|Date|Contact|Copyright|Notes|Revision|[A-Z][\w ]{0,30}):/i;

function isBlank(line: string | undefined): boolean {
  return line === undefined || line.trim() === '';
}

function isCharacter(line: string): boolean {
  const trimmed = line.trim();
  if (trimmed.startsWith('@')) return trimmed.length > 1;
  const name = trimmed.replace(/\s*\^$/, '').replace(/\s*\(.*\)\s*$/, '');
  return /\p{Lu}/u.test(name) && name === name.toLocaleUpperCase() && !/^[!>~=#]/.test(name) && !/TO:$/.test(name);
}

export function tokenize(text: string): FountainToken[] {
  const lines = text.split(/\r?\n/);
  const tokens: FountainToken[] = [];
  const push = (line: number, start: number, length: number, element: FountainElement): void => {
    if (length > 0) tokens.push({ line, start, length, element });
  };

  let index = 0;
  // Title page: `Key: value` lines at the very start, up to the first blank line.
  if (lines.length > 0 && TITLE_KEY.test(lines[0])) {
    for (; index < lines.length && !isBlank(lines[index]); index++) {
      const line = lines[index];
      const key = TITLE_KEY.exec(line);
      if (key) {
        push(index, 0, key[0].length, 'titleKey');
        push(index, key[0].length, line.length - key[0].length, 'titleValue');
      } else {
        push(index, 0, line.length, 'titleValue');
      }
    }
  }

  let inBoneyard = false;
  let inDialogue = false;
  for (; index < lines.length; index++) {
    const line = lines[index];
    const trimmed = line.trim();

    if (inBoneyard || trimmed.startsWith('/*')) {
      const end = line.indexOf('*/');
      inBoneyard = end < 0;
      push(index, 0, end < 0 ? line.length : end + 2, 'boneyard');
      if (end < 0) continue;
    }

    for (const note of line.matchAll(/\[\[.*?\]\]/g)) {
      push(index, note.index ?? 0, note[0].length, 'note');
    }

    if (isBlank(line)) {
      inDialogue = false;
      continue;
    }
    const before = isBlank(lines[index - 1]);
    const after = isBlank(lines[index + 1]);
    const start = line.length - line.trimStart().length;

    if (inDialogue) {
      if (/^\(.*\)$/.test(trimmed)) push(index, start, trimmed.length, 'parenthetical');
      continue;
    }
    if (trimmed.startsWith('#')) {
      push(index, start, trimmed.length, 'section');
    } else if (trimmed.startsWith('=') && !/^={3,}$/.test(trimmed)) {
      push(index, start, trimmed.length, 'synopsis');
    } else if (trimmed.startsWith('~')) {
      push(index, start, trimmed.length, 'lyrics');
    } else if (trimmed.startsWith('>') && trimmed.endsWith('<')) {
      push(index, start, trimmed.length, 'centered');
    } else if (trimmed.startsWith('>') || (before && after && /^[\p{Lu}\s]+TO:$/u.test(trimmed))) {
      push(index, start, trimmed.length, 'transition');
    } else if (before && ((trimmed.startsWith('.') && !trimmed.startsWith('..')) || SCENE.test(trimmed))) {
      push(index, start, trimmed.length, 'sceneHeading');
    } else if (before && !after && isCharacter(trimmed)) {
      push(index, start, trimmed.length, 'character');
      inDialogue = true;
    }
  }
  return withoutOverlaps(tokens);
}

/** Sorted by position; where two tokens overlap (a note inside a cue), the first one wins. */
function withoutOverlaps(tokens: FountainToken[]): FountainToken[] {
  const sorted = [...tokens].sort((a, b) => a.line - b.line || a.start - b.start);
  const result: FountainToken[] = [];
  for (const token of sorted) {
    const previous = result[result.length - 1];
    if (previous && previous.line === token.line && token.start < previous.start + previous.length) continue;
    result.push(token);
  }
  return result;
}
