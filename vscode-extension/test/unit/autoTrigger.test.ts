import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planToggle, shouldForward, TRIGGER_AUTOMATIC, TRIGGER_INVOKE } from '../../src/config/autoTrigger';

describe('automatic suggestions per language', () => {
  it('drops automatic requests where the setting is off, never explicit ones', () => {
    assert.equal(shouldForward(TRIGGER_AUTOMATIC, true), true);
    assert.equal(shouldForward(TRIGGER_AUTOMATIC, false), false);
    assert.equal(shouldForward(TRIGGER_INVOKE, false), true);
    assert.equal(shouldForward(TRIGGER_INVOKE, true), true);
  });

  it('toggles the language of the active document in the user settings', () => {
    assert.deepEqual(planToggle(true, { defaultValue: true }, true), { value: false, target: 'global', overrideInLanguage: true });
  });

  it('rewrites the most specific language value already set', () => {
    assert.deepEqual(planToggle(false, { defaultValue: true, globalLanguageValue: true, workspaceLanguageValue: false }, true), {
      value: true,
      target: 'workspace',
      overrideInLanguage: true,
    });
    assert.deepEqual(planToggle(true, { workspaceFolderLanguageValue: true, globalLanguageValue: false }, true), {
      value: false,
      target: 'workspaceFolder',
      overrideInLanguage: true,
    });
  });

  it('without a document of ours, flips the general value where it is set', () => {
    assert.deepEqual(planToggle(true, { defaultValue: true }, false), { value: false, target: 'global', overrideInLanguage: false });
    assert.deepEqual(planToggle(false, { globalValue: true, workspaceValue: false }, false), { value: true, target: 'workspace', overrideInLanguage: false });
  });
});
