import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { serverCommand, serverJar } from '../../src/server/serverLaunch';

describe('server command line', () => {
  it('is the one of the server contract', () => {
    assert.deepEqual(serverCommand('/jdk/bin/java', '/ext/server/replique.jar'), {
      command: '/jdk/bin/java',
      args: ['--add-modules=jdk.incubator.vector', '--enable-native-access=ALL-UNNAMED',
        '--sun-misc-unsafe-memory-access=allow', '-Xmn64m', '-jar', '/ext/server/replique.jar', 'serve', '--stdio'],
    });
  });

  it('runs the jar inside the extension unless REPLIQUE_SERVER_JAR says otherwise', () => {
    assert.equal(serverJar('/ext', {}), path.join('/ext', 'server', 'replique.jar'));
    assert.equal(serverJar('/ext', { REPLIQUE_SERVER_JAR: ' /dev/replique.jar ' }), '/dev/replique.jar');
    assert.equal(serverJar('/ext', { REPLIQUE_SERVER_JAR: '' }), path.join('/ext', 'server', 'replique.jar'));
  });
});
