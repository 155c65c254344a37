import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServerStderr, traceWanted } from '../../src/client/serverStderr';

describe("the server's standard error", () => {
  it("is not an error when the JVM says it uses the Vector API's incubator module", () => {
    assert.equal(new ServerStderr().levelOf('WARNING: Using incubator modules: jdk.incubator.vector'), 'debug');
  });

  it('takes the level each log record says, and a stack trace takes its record’s', () => {
    const levels = new ServerStderr();
    assert.equal(levels.levelOf('WARNING: Failed to send notification message.'), 'warn');
    assert.equal(levels.levelOf('org.eclipse.lsp4j.jsonrpc.JsonRpcException: java.io.IOException: Read end dead'), 'error');
    assert.equal(levels.levelOf('\tat org.eclipse.lsp4j.jsonrpc.RemoteEndpoint.notify(RemoteEndpoint.java:135)'), 'error');
    assert.equal(levels.levelOf('SEVERE: Internal error'), 'error');
    assert.equal(levels.levelOf('Caused by: java.io.IOException: gone'), 'error');
    assert.equal(levels.levelOf('INFO: listening'), 'info');
    assert.equal(levels.levelOf('replique: listening on 127.0.0.1:4242'), 'info');
    assert.equal(levels.levelOf('WARNING: low memory'), 'warn');
    assert.equal(levels.levelOf('\t... 8 more'), 'warn');
  });

  it('traces the protocol exactly when replique.trace.server asks for it', () => {
    assert.equal(traceWanted('off'), false);
    assert.equal(traceWanted(undefined), false);
    assert.equal(traceWanted('messages'), true);
    assert.equal(traceWanted('verbose'), true);
  });
});
