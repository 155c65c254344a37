import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asServerStatus, type ServerStatus } from '../../src/protocol/serverProtocol';
import { FollowedProgress } from '../../src/status/followedProgress';
import { ProgressTracker } from '../../src/status/progressTracker';
import { formatSize, present, readyLabel, type StatusInput } from '../../src/status/statusPresenter';

const ready: ServerStatus = { state: 'ready', model: 'replique-mini-fr', path: '(embedded)', embedded: true, sizeBytes: 3_401_056, backend: 'cpu', threads: 2 };
const base: StatusInput = { phase: 'running', generating: false };

describe('progress tracker', () => {
  it('follows begin, report and end per token, newest first', () => {
    const tracker = new ProgressTracker();
    assert.equal(tracker.update('load', { kind: 'report', percentage: 5 }), false);
    tracker.update('load', { kind: 'begin', title: 'Loading model', percentage: 0 });
    tracker.update('load', { kind: 'report', percentage: 40, message: 'tensors' });
    assert.deepEqual(tracker.current(), { token: 'load', title: 'Loading model', message: 'tensors', percentage: 40 });
    tracker.update(7, { kind: 'begin', title: 'Generating dialogue' });
    assert.equal(tracker.current()?.token, '7');
    tracker.update(7, { kind: 'end' });
    assert.equal(tracker.current()?.title, 'Loading model');
    tracker.update('load', { kind: 'end' });
    assert.equal(tracker.current(), undefined);
  });
});

describe('status bar', () => {
  it('shows starting before the server has said anything', () => {
    const view = present({ ...base, phase: 'starting' });
    assert.match(view.text, /starting/);
    assert.equal(view.severity, 'normal');
  });

  it('shows the loading percent, from $/progress first, else from the status', () => {
    const loading: ServerStatus = { state: 'loading', path: '(embedded) replique-mini-fr-q8_0.gguf', progress: 12 };
    assert.equal(present({ ...base, server: loading }).tooltip, 'Loading (embedded) replique-mini-fr-q8_0.gguf');
    assert.equal(present({ ...base, server: loading }).text, '$(loading~spin) Réplique: loading 12%');
    assert.equal(present({ ...base, server: loading, task: { token: 't', title: 'Loading', percentage: 57.4 } }).text, '$(loading~spin) Réplique: loading 57%');
  });

  it('shows the model by name when ready, the engine details only in the tooltip', () => {
    const engine: ServerStatus = { ...ready, backend: 'cpu, vector-512 kernels, 2 threads, f32 KV cache' };
    const view = present({ ...base, server: engine, autoTrigger: true });
    assert.equal(view.text, '$(comment-discussion) replique-mini-fr');
    assert.equal(view.label, 'Réplique: ready, replique-mini-fr');
    assert.doesNotMatch(view.text, /kernels|threads|KV/);
    assert.match(view.tooltip, /vector-512 kernels, 2 threads, f32 KV cache/);
    assert.match(view.tooltip, /embedded demo model/);
    assert.match(view.tooltip, /3\.4 MB/);
    assert.match(view.tooltip, /Automatic suggestions: on/);
    assert.equal(view.action, 'showStatus');
  });

  it("adds the last suggestion's latency and speed, and says when it was written ahead", () => {
    const written = { source: 'model', latencyMs: 420, tokensPerSecond: 84.6, promptTokens: 300, reusedTokens: 296, generatedTokens: 18, cut: false, context: ['acte1.play.txt: MARIE (speech)'] };
    const view = present({ ...base, server: { ...ready, lastSuggestion: written } });
    assert.equal(view.text, '$(comment-discussion) replique-mini-fr · 0.4 s · 85 tok/s');
    assert.equal(view.label, 'Réplique: ready, replique-mini-fr, last suggestion 0.4 s · 85 tok/s');
    assert.match(view.tooltip, /Last suggestion: 0\.4 s, written by the model/);
    assert.match(view.tooltip, /84\.6 tokens\/s, 18 tokens written after a prompt of 300 \(296 already in the cache\)/);
    assert.match(view.tooltip, /Context from other files: acte1\.play\.txt: MARIE \(speech\)/);
    const ahead = present({ ...base, server: { ...ready, lastSuggestion: { ...written, source: 'ahead', latencyMs: 3, tokensPerSecond: 0 } } });
    assert.equal(ahead.text, '$(comment-discussion) replique-mini-fr · at once');
    assert.match(ahead.tooltip, /written ahead while you read the previous one/);
    const slow = present({ ...base, server: { ...ready, lastSuggestion: { ...written, latencyMs: 12_400, tokensPerSecond: 0.43, cut: true } } });
    assert.equal(slow.text, '$(comment-discussion) replique-mini-fr · 12 s · 0.4 tok/s');
    assert.match(slow.tooltip, /shown before the model had finished the speech/);
  });

  it('marks a language whose automatic suggestions are off', () => {
    const view = present({ ...base, server: ready, autoTrigger: false });
    assert.ok(view.text.endsWith('$(circle-slash)'));
    assert.match(view.tooltip, /Automatic suggestions: off/);
  });

  it('shows writing while a request or a command runs', () => {
    assert.equal(present({ ...base, server: ready, generating: true }).text, '$(loading~spin) replique-mini-fr · writing');
    assert.match(present({ ...base, server: ready, task: { token: 'g', title: 'Generating', percentage: 50 } }).text, /writing 50%/);
    // The end of a model load may arrive after the ready status.
    assert.doesNotMatch(present({ ...base, server: ready, task: { token: 'l', title: 'Loading the embedded demo model', percentage: 100 } }).text, /writing/);
  });

  it('shows errors in red and opens the log on click', () => {
    const failed = present({ ...base, phase: 'failed', failure: 'no Java 25 or newer was found' });
    assert.equal(failed.severity, 'error');
    assert.equal(failed.action, 'showLog');
    assert.match(failed.tooltip, /no Java 25/);
    assert.match(failed.label, /^Réplique: error, no Java 25/);
    const modelError = present({ ...base, server: { state: 'error', message: 'not a GGUF file', path: '/models/x.bin' } });
    assert.equal(modelError.severity, 'error');
    assert.equal(modelError.action, 'showLog');
    assert.match(modelError.tooltip, /not a GGUF file/);
    assert.equal(present({ ...base, phase: 'stopped' }).severity, 'error');
  });

  it('formats sizes and labels', () => {
    assert.equal(formatSize(512), '512 B');
    assert.equal(formatSize(0), undefined);
    assert.equal(formatSize(4_108_000_000), '4.1 GB');
    assert.equal(formatSize(3_401_056), '3.4 MB');
    assert.equal(readyLabel({ state: 'ready', model: 'claire', backend: 'cpu', threads: 1 }), 'claire · cpu · 1 thread');
    assert.equal(readyLabel({ state: 'ready', model: 'mini', backend: 'cpu, scalar kernels, 1 thread', threads: 0 }), 'mini · cpu, scalar kernels, 1 thread');
    assert.equal(readyLabel({ state: 'ready', model: 'mini', backend: 'cpu', threads: 0 }), 'mini · cpu');
  });
});

describe('server status objects', () => {
  it('accepts the documented fields and rejects anything else', () => {
    assert.deepEqual(asServerStatus({ state: 'ready', model: 'm', threads: 4, extra: 1 }), { state: 'ready', model: 'm', threads: 4 });
    assert.deepEqual(asServerStatus({ state: 'ready', lastSuggestion: { source: 'ahead', latencyMs: 2, context: ['a', 3] } })?.lastSuggestion, {
      source: 'ahead', latencyMs: 2, tokensPerSecond: 0, promptTokens: 0, reusedTokens: 0, generatedTokens: 0, cut: false, context: ['a'],
    });
    assert.equal(asServerStatus({ state: 'ready', lastSuggestion: { latencyMs: 'soon' } })?.lastSuggestion, undefined);
    assert.equal(asServerStatus({ state: 'sleeping' }), undefined);
    assert.equal(asServerStatus(null), undefined);
    assert.equal(asServerStatus('ready'), undefined);
  });
});

describe('progress of a command', () => {
  it('follows the client token when the server uses it', () => {
    const followed = new FollowedProgress('mine');
    assert.deepEqual(followed.accept('mine', { kind: 'begin', title: 'Generating dialogue', percentage: 0 }), { message: undefined, increment: 0 });
    assert.equal(followed.accept('other', { kind: 'begin', title: 'Generating dialogue' }), undefined);
    assert.deepEqual(followed.accept('mine', { kind: 'report', percentage: 30 }), { message: undefined, increment: 30 });
    assert.deepEqual(followed.accept('mine', { kind: 'report', percentage: 80, message: '2/3' }), { message: '2/3', increment: 50 });
    assert.equal(followed.accept('mine', { kind: 'end' }), undefined);
  });

  it("adopts the server's own token, but not a model load", () => {
    const followed = new FollowedProgress('mine');
    assert.equal(followed.accept('load-1', { kind: 'begin', title: 'Loading model', percentage: 0 }), undefined);
    assert.deepEqual(followed.accept('srv-2', { kind: 'begin', title: 'Generating dialogue', percentage: 0 }), { message: undefined, increment: 0 });
    assert.deepEqual(followed.accept('srv-2', { kind: 'report', percentage: 50 }), { message: undefined, increment: 50 });
    assert.equal(followed.accept('load-1', { kind: 'report', percentage: 90 }), undefined);
  });
});
