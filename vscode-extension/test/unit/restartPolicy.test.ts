import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RestartPolicy } from '../../src/client/restartPolicy';

describe('restart policy', () => {
  it('restarts four times in three minutes, then gives up', () => {
    const policy = new RestartPolicy(4, 180_000);
    const decisions = [0, 1000, 2000, 3000, 4000].map((t) => policy.shouldRestart(t));
    assert.deepEqual(decisions, [true, true, true, true, false]);
  });

  it('forgets crashes older than the window', () => {
    const policy = new RestartPolicy(2, 60_000);
    assert.equal(policy.shouldRestart(0), true);
    assert.equal(policy.shouldRestart(10_000), true);
    assert.equal(policy.shouldRestart(100_000), true);
    assert.equal(policy.shouldRestart(110_000), true);
    assert.equal(policy.shouldRestart(120_000), false);
  });
});
