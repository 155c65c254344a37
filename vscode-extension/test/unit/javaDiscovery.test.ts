import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { candidates, describeFailure, discoverJava, rankInstallEntries, type JavaHost } from '../../src/java/javaDiscovery';

/** An imaginary machine: folders, files with contents, and what each java prints. */
function machine(options: {
  platform?: NodeJS.Platform;
  env?: Record<string, string>;
  files?: Record<string, string>;
  versionOutput?: Record<string, string>;
  onPath?: string;
}): JavaHost & { ran: string[] } {
  const files = options.files ?? {};
  const ran: string[] = [];
  const platform = options.platform ?? 'linux';
  const sep = platform === 'win32' ? '\\' : '/';
  return {
    ran,
    platform,
    env: options.env ?? {},
    homeDir: platform === 'win32' ? 'C:\\Users\\ana' : '/home/ana',
    async isFile(file) {
      return file in files;
    },
    async listDir(dir) {
      const prefix = dir.endsWith(sep) ? dir : dir + sep;
      const names = new Set<string>();
      for (const file of Object.keys(files)) {
        if (file.startsWith(prefix)) names.add(file.slice(prefix.length).split(sep)[0]);
      }
      return [...names];
    },
    async readText(file) {
      return files[file];
    },
    async runVersion(java) {
      ran.push(java);
      return options.versionOutput?.[java];
    },
    async whichJava() {
      return options.onPath;
    },
  };
}

const jdk = (home: string, version: string, sep = '/'): Record<string, string> => ({
  [`${home}${sep}bin${sep}${sep === '\\' ? 'java.exe' : 'java'}`]: '',
  [`${home}${sep}release`]: `JAVA_VERSION="${version}"\n`,
});

describe('Java discovery', () => {
  it('prefers the setting, and does not look further when it is wrong', async () => {
    const host = machine({ files: { ...jdk('/opt/jdk-21', '21.0.4'), ...jdk('/usr/lib/jvm/temurin-25-jdk-amd64', '25.0.1') } });
    const good = await discoverJava(host, '/usr/lib/jvm/temurin-25-jdk-amd64');
    assert.deepEqual(good, { found: true, executable: '/usr/lib/jvm/temurin-25-jdk-amd64/bin/java', version: 25, source: 'setting' });

    const wrong = await discoverJava(host, '/opt/jdk-21');
    assert.equal(wrong.found, false);
    assert.ok(!wrong.found && wrong.settingInvalid);
    const message = describeFailure(wrong as Extract<typeof wrong, { found: false }>);
    assert.match(message, /"replique\.java\.home" \(\/opt\/jdk-21\)/);
    assert.match(message, /Java 21, older than 25/);
  });

  it('uses JAVA_HOME when it is recent enough, else the install folders', async () => {
    const files = { ...jdk('/usr/lib/jvm/java-17-openjdk-amd64', '17.0.12'), ...jdk('/usr/lib/jvm/temurin-25-jdk-amd64', '25.0.1') };
    const viaEnv = await discoverJava(machine({ env: { JAVA_HOME: '/usr/lib/jvm/temurin-25-jdk-amd64' }, files }), undefined);
    assert.ok(viaEnv.found && viaEnv.source === 'JAVA_HOME');

    const old = await discoverJava(machine({ env: { JAVA_HOME: '/usr/lib/jvm/java-17-openjdk-amd64' }, files }), undefined);
    assert.ok(old.found);
    assert.equal(old.source, 'install folder');
    assert.equal(old.executable, '/usr/lib/jvm/temurin-25-jdk-amd64/bin/java');
  });

  it('runs java when a JDK has no release file, and falls back to the PATH', async () => {
    const host = machine({
      files: { '/opt/java/openjdk/bin/java': '', '/usr/bin/java': '' },
      versionOutput: { '/opt/java/openjdk/bin/java': 'java.specification.version = 26\n', '/usr/bin/java': 'java.specification.version = 25\n' },
      onPath: '/usr/bin/java',
    });
    const found = await discoverJava(host, '');
    assert.ok(found.found);
    assert.equal(found.executable, '/opt/java/openjdk/bin/java');
    assert.equal(found.version, 26);
    assert.deepEqual(host.ran, ['/opt/java/openjdk/bin/java']);

    const pathOnly = await discoverJava(machine({ files: { '/usr/bin/java': '' }, versionOutput: { '/usr/bin/java': 'openjdk version "25.0.1"' }, onPath: '/usr/bin/java' }), undefined);
    assert.ok(pathOnly.found && pathOnly.source === 'PATH');
  });

  it('finds Temurin under Program Files on Windows and a JavaVirtualMachines bundle on macOS', async () => {
    const windowsHome = 'C:\\Program Files\\Eclipse Adoptium\\jdk-25.0.1.8-hotspot';
    const windows = await discoverJava(machine({ platform: 'win32', env: { ProgramFiles: 'C:\\Program Files' }, files: jdk(windowsHome, '25.0.1', '\\') }), undefined);
    assert.ok(windows.found);
    assert.equal(windows.executable, `${windowsHome}\\bin\\java.exe`);

    const macHome = '/Library/Java/JavaVirtualMachines/temurin-25.jdk/Contents/Home';
    const mac = await discoverJava(machine({ platform: 'darwin', files: jdk(macHome, '25.0.1') }), undefined);
    assert.ok(mac.found);
    assert.equal(mac.executable, `${macHome}/bin/java`);
  });

  it('explains what it found when nothing is recent enough', async () => {
    const result = await discoverJava(machine({ env: { JAVA_HOME: '/usr/lib/jvm/java-17' }, files: jdk('/usr/lib/jvm/java-17', '17.0.2') }), undefined);
    assert.equal(result.found, false);
    const message = describeFailure(result as Extract<typeof result, { found: false }>);
    assert.match(message, /no Java 25 or newer was found/);
    assert.match(message, /Found only Java 17/);
    assert.match(message, /set "replique\.java\.home"/);
  });

  it('ranks install folders: recent JDKs first, old ones skipped, unversioned ones last', () => {
    assert.deepEqual(rankInstallEntries(['java-17-openjdk-amd64', 'temurin-25-jdk-amd64', 'default-java', 'jdk-26', 'openjdk', 'X11']), [
      'jdk-26',
      'temurin-25-jdk-amd64',
      'default-java',
      'openjdk',
    ]);
  });

  it('lists each location once, REPLIQUE_JAVA_HOME before JAVA_HOME', async () => {
    const list = await candidates(
      machine({ env: { REPLIQUE_JAVA_HOME: '/usr/lib/jvm/temurin-25', JAVA_HOME: '/usr/lib/jvm/temurin-25' }, files: jdk('/usr/lib/jvm/temurin-25', '25') }),
      undefined,
    );
    assert.deepEqual(
      list.map((c) => [c.source, c.location]),
      [['REPLIQUE_JAVA_HOME', '/usr/lib/jvm/temurin-25']],
    );
  });
});
