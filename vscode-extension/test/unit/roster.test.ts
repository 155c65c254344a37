import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { combineSpeakers, parseSpeakers, roster, speakerName, turnsError } from '../../src/commands/roster';

describe('speakers for Generate Dialogue', () => {
  it('reduces cues of every format to the name', () => {
    assert.equal(speakerName('BRICK'), 'BRICK');
    assert.equal(speakerName('STEEL (V.O.)'), 'STEEL');
    assert.equal(speakerName("BRICK (CONT'D)"), 'BRICK');
    assert.equal(speakerName('@McCLANE'), 'McCLANE');
    assert.equal(speakerName('ALCESTE.'), 'ALCESTE');
    assert.equal(speakerName('PHILINTE :'), 'PHILINTE');
    assert.equal(speakerName('[Alceste:]'), 'Alceste');
    assert.equal(speakerName('[Intervenant 2:]'), 'Intervenant 2');
    assert.equal(speakerName('LE MARQUIS DE MASCARILLE'), 'LE MARQUIS DE MASCARILLE');
  });

  it('ignores scene headings, transitions and sentences', () => {
    assert.equal(speakerName('INT.'), undefined);
    assert.equal(speakerName('EXT. '), undefined);
    assert.equal(speakerName('INT./EXT.'), undefined);
    assert.equal(speakerName('CUT TO:'), undefined);
    assert.equal(speakerName('FADE OUT.'), undefined);
    assert.equal(speakerName("Je veux qu'on soit sincère, et qu'en homme d'honneur, on ne lâche aucun mot"), undefined);
    assert.equal(speakerName('Oui. Non.'), undefined);
  });

  it('keeps the server order (recent speakers first) without duplicates', () => {
    const items = [{ label: 'STEEL' }, { label: 'BRICK' }, { label: 'INT.' }, { label: { label: 'STEEL (V.O.)' } }, { label: 'EXT.' }, { label: 'CUT TO:' }];
    assert.deepEqual(roster(items), ['STEEL', 'BRICK']);
  });

  it('takes only the character items when the server marks them', () => {
    const items = [
      { label: 'STEEL', kind: 18, detail: 'character' },
      { label: 'BRICK', kind: 18, detail: 'character' },
      { label: 'FADE IN:', kind: 14, detail: 'transition' },
      { label: 'EST.', kind: 14, detail: 'scene heading' },
    ];
    assert.deepEqual(roster(items), ['STEEL', 'BRICK']);
    assert.deepEqual(roster([{ label: 'Intervenant 1', kind: 18 }, { label: 'Alceste', kind: 18 }]), ['Intervenant 1', 'Alceste']);
  });

  it('parses typed names and combines them with the ticked ones', () => {
    assert.deepEqual(parseSpeakers(' Alceste, Philinte ;alceste,, '), ['Alceste', 'Philinte']);
    assert.deepEqual(combineSpeakers(['BRICK'], 'BRI', ['BRICK', 'STEEL']), ['BRICK']);
    assert.deepEqual(combineSpeakers(['BRICK'], 'MARTHA, steel', ['BRICK', 'STEEL']), ['BRICK', 'MARTHA', 'STEEL']);
    assert.deepEqual(combineSpeakers([], 'steel', ['BRICK', 'STEEL']), ['STEEL']);
    assert.deepEqual(combineSpeakers([], 'MARTHA', ['BRICK', 'STEEL']), ['MARTHA']);
    assert.deepEqual(combineSpeakers(['STEEL', 'BRICK'], '', ['BRICK', 'STEEL']), ['STEEL', 'BRICK']);
  });

  it('validates the number of turns', () => {
    assert.equal(turnsError('4'), undefined);
    assert.equal(turnsError(' 12 '), undefined);
    assert.match(turnsError('0') ?? '', /between 1 and 40/);
    assert.match(turnsError('four') ?? '', /whole number/);
    assert.match(turnsError('2.5') ?? '', /whole number/);
  });
});
