import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { tokenize, type FountainElement } from '../../src/highlight/fountainTokens';

function elements(text: string): [number, FountainElement, string][] {
  const lines = text.split('\n');
  return tokenize(text).map((t) => [t.line, t.element, lines[t.line].slice(t.start, t.start + t.length)]);
}

describe('Fountain highlighting', () => {
  it('finds the elements of a scene', () => {
    const scene = [
      'Title: Brick & Steel',
      'Author: Stu Maschwitz',
      '',
      'EXT. BRICK\'S PATIO - DAY',
      '',
      'A gorgeous day.  The sun is shining.',
      '',
      'BRICK',
      '(smiling)',
      'That was not a request.',
      '',
      'STEEL (V.O.)',
      'Beer\'s ready! [[check this]]',
      '',
      'CUT TO:',
      '',
      '.FLASHBACK',
      '',
      '# Act One',
      '= Brick meets Steel.',
      '> THE END <',
      '/* cut',
      'this */',
    ].join('\n');
    assert.deepEqual(elements(scene), [
      [0, 'titleKey', 'Title:'],
      [0, 'titleValue', ' Brick & Steel'],
      [1, 'titleKey', 'Author:'],
      [1, 'titleValue', ' Stu Maschwitz'],
      [3, 'sceneHeading', "EXT. BRICK'S PATIO - DAY"],
      [7, 'character', 'BRICK'],
      [8, 'parenthetical', '(smiling)'],
      [11, 'character', 'STEEL (V.O.)'],
      [12, 'note', '[[check this]]'],
      [14, 'transition', 'CUT TO:'],
      [16, 'sceneHeading', '.FLASHBACK'],
      [18, 'section', '# Act One'],
      [19, 'synopsis', '= Brick meets Steel.'],
      [20, 'centered', '> THE END <'],
      [21, 'boneyard', '/* cut'],
      [22, 'boneyard', 'this */'],
    ]);
  });

  it('does not take a shouted line of action for a cue', () => {
    assert.deepEqual(elements('\nBOOM!\n\nThe door flies open.'), []);
  });

  it('finds every cue of a real screenplay', () => {
    const documents = path.resolve(__dirname, '..', '..', '..', '..', 'test-fixtures', 'documents', 'fountain');
    const text = readFileSync(path.join(documents, 'brick-and-steel.fountain'), 'utf8');
    const gold = JSON.parse(readFileSync(path.join(documents, 'gold', 'brick-and-steel.cues.json'), 'utf8')) as unknown;
    const cues = (Array.isArray(gold) ? gold : (gold as { cues: unknown[] }).cues) as { line: number }[];
    const found = tokenize(text)
      .filter((t) => t.element === 'character')
      .map((t) => t.line + 1);
    assert.deepEqual(found, cues.map((c) => c.line));
  });
});
