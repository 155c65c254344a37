import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SERVER_KEYS, serverSettings } from '../../src/config/serverSettings';

function reader(values: Record<string, unknown>): (key: string) => unknown {
  return (key) => values[key];
}

describe('settings sent to the server', () => {
  it('nests the dotted keys and keeps only the server keys', () => {
    const settings = serverSettings(
      reader({
        'model.path': '/models/claire-q4_0.gguf',
        'model.threads': 4,
        'sampling.temperature': 0.8,
        'sampling.topK': 10,
        'completion.maxTokens': 48,
        'prompt.speakerStyle': 'intervenant',
        'java.home': '/usr/lib/jvm/temurin-25',
        'trace.server': 'verbose',
      }),
      true,
    );
    assert.deepEqual(settings, {
      model: { path: '/models/claire-q4_0.gguf', threads: 4, weights: '', endpoint: null, name: null, apiKeyEnv: null },
      sampling: { temperature: 0.8, topK: 10, seed: null },
      completion: { maxTokens: 48, autoTrigger: true },
      prompt: { speakerStyle: 'intervenant' },
    });
  });

  it('sends what means none for an empty model path, weights or seed, so that clearing them reaches the running server', () => {
    const settings = serverSettings(reader({ 'model.path': '  ', 'sampling.seed': null, 'sampling.minP': 0 }), false);
    assert.deepEqual(settings, {
      model: { path: null, weights: '', endpoint: null, name: null, apiKeyEnv: null },
      sampling: { minP: 0, seed: null },
      completion: { autoTrigger: false },
    });
  });

  it('points the server at a shared server with one setting', () => {
    const settings = serverSettings(reader({ 'model.endpoint': ' http://gpu-box:8080/v1 ', 'model.backend': 'cpu' }), true);
    assert.deepEqual(settings.model, {
      path: null,
      backend: 'cpu',
      weights: '',
      endpoint: 'http://gpu-box:8080/v1',
      name: null,
      apiKeyEnv: null,
    });
  });

  it('sends the auto-trigger flag resolved across languages, not the raw value', () => {
    assert.deepEqual(serverSettings(reader({ 'completion.autoTrigger': false }), true).completion, { autoTrigger: true });
    assert.deepEqual(serverSettings(reader({ 'completion.autoTrigger': true }), false).completion, { autoTrigger: false });
  });

  it('covers every key of the server contract', () => {
    assert.equal(new Set(SERVER_KEYS).size, SERVER_KEYS.length);
    for (const section of ['model', 'sampling', 'completion', 'prompt']) {
      assert.ok(SERVER_KEYS.some((key) => key.startsWith(`${section}.`)), section);
    }
    // The JetBrains template's settings, which the server's own tests hold to its settings parser.
    const template = path.resolve(__dirname, '..', '..', '..', '..', 'intellij-plugin', 'src', 'main', 'templates', 'lsp',
      'replique', 'settings.json');
    const serverKeys = Object.keys(JSON.parse(readFileSync(template, 'utf8')) as Record<string, unknown>)
      .map((key) => key.replace(/^replique\./, ''));
    assert.deepEqual([...SERVER_KEYS].sort(), serverKeys.sort());
  });
});
