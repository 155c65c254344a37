/**
 * Finding a JDK that can run the language server: the `replique.java.home` setting, then
 * `REPLIQUE_JAVA_HOME` and `JAVA_HOME`, then the usual install folders of each platform,
 * then the `java` on the PATH. All input and output goes through a {@link JavaHost}, so the
 * search itself is plain logic.
 */
import * as path from 'node:path';
import { versionFromJavaOutput, versionFromReleaseFile } from './javaVersion';

export const MINIMUM_JAVA_VERSION = 25;

/** What the search needs from the machine. */
export interface JavaHost {
  readonly platform: NodeJS.Platform;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homeDir: string;
  isFile(file: string): Promise<boolean>;
  /** Names of the entries of a folder; empty when it does not exist. */
  listDir(dir: string): Promise<string[]>;
  readText(file: string): Promise<string | undefined>;
  /** Runs `java -XshowSettings:properties -version` and returns what it printed. */
  runVersion(javaExecutable: string): Promise<string | undefined>;
  /** The `java` found on the PATH, if any. */
  whichJava(): Promise<string | undefined>;
}

export type JavaSource = 'setting' | 'REPLIQUE_JAVA_HOME' | 'JAVA_HOME' | 'install folder' | 'PATH';

export interface JavaCandidate {
  source: JavaSource;
  /** A JDK folder (with `bin/java`), or for `PATH` the executable itself. */
  location: string;
}

export interface JavaFound {
  found: true;
  executable: string;
  version: number;
  source: JavaSource;
}

export interface Rejection {
  candidate: JavaCandidate;
  reason: string;
}

export interface JavaNotFound {
  found: false;
  /** The setting was set and does not point at a usable JDK: nothing else was tried. */
  settingInvalid: boolean;
  rejections: Rejection[];
}

export type JavaDiscovery = JavaFound | JavaNotFound;

export function javaExecutable(home: string, platform: NodeJS.Platform): string {
  const p = platform === 'win32' ? path.win32 : path.posix;
  return p.join(home, 'bin', platform === 'win32' ? 'java.exe' : 'java');
}

/** Folders whose sub-folders are JDKs, with the path from a sub-folder to its JDK home. */
export function installFolders(host: Pick<JavaHost, 'platform' | 'env' | 'homeDir'>): { parent: string; suffix: string }[] {
  const home = host.homeDir;
  switch (host.platform) {
    case 'win32': {
      const p = path.win32;
      const roots = [host.env.ProgramFiles, host.env['ProgramW6432'], host.env.LOCALAPPDATA && p.join(host.env.LOCALAPPDATA, 'Programs')]
        .filter((r): r is string => typeof r === 'string' && r.length > 0);
      const vendors = ['Eclipse Adoptium', 'Java', 'Microsoft', 'Zulu', 'Amazon Corretto', 'BellSoft', 'OpenJDK'];
      const folders = unique(roots).flatMap((root) => vendors.map((vendor) => ({ parent: p.join(root, vendor), suffix: '' })));
      folders.push({ parent: p.join(home, '.jdks'), suffix: '' });
      return folders;
    }
    case 'darwin':
      return [
        { parent: '/Library/Java/JavaVirtualMachines', suffix: 'Contents/Home' },
        { parent: path.posix.join(home, 'Library/Java/JavaVirtualMachines'), suffix: 'Contents/Home' },
        { parent: '/opt/homebrew/opt', suffix: 'libexec/openjdk.jdk/Contents/Home' },
        { parent: '/usr/local/opt', suffix: 'libexec/openjdk.jdk/Contents/Home' },
        { parent: path.posix.join(home, '.sdkman/candidates/java'), suffix: '' },
        { parent: path.posix.join(home, '.jdks'), suffix: '' },
      ];
    default:
      return [
        { parent: '/usr/lib/jvm', suffix: '' },
        { parent: '/usr/java', suffix: '' },
        { parent: '/opt/java', suffix: '' },
        { parent: '/opt', suffix: '' },
        { parent: path.posix.join(home, '.sdkman/candidates/java'), suffix: '' },
        { parent: path.posix.join(home, '.jdks'), suffix: '' },
      ];
  }
}

/**
 * Orders the entries of an install folder: names that announce a recent JDK first
 * (`temurin-25-jdk-amd64`, `jdk-25.0.1+9`), highest number first; the rest after.
 */
export function rankInstallEntries(names: string[]): string[] {
  // The first number of the name, once architectures (amd64, aarch64, x86_64) are removed.
  const announced = (name: string): number => {
    const first = /\d+/.exec(name.replace(/amd64|aarch64|arm64|x86_64|x64|i386|ppc64(le)?|s390x/gi, ''));
    const version = first ? Number(first[0]) : -1;
    return version === 1 ? 8 : version;
  };
  const plausible = names.filter((name) => /j(dk|re|ava)|openjdk|temurin|zulu|corretto|graal|liberica|semeru|\d/i.test(name));
  return plausible
    .map((name) => ({ name, version: announced(name) }))
    .filter((entry) => entry.version === -1 || entry.version >= MINIMUM_JAVA_VERSION)
    .sort((a, b) => b.version - a.version || a.name.localeCompare(b.name))
    .map((entry) => entry.name);
}

export async function candidates(host: JavaHost, settingHome: string | undefined): Promise<JavaCandidate[]> {
  const list: JavaCandidate[] = [];
  const p = host.platform === 'win32' ? path.win32 : path.posix;
  if (settingHome && settingHome.trim()) {
    list.push({ source: 'setting', location: expandHome(settingHome.trim(), host.homeDir) });
    return list;
  }
  for (const variable of ['REPLIQUE_JAVA_HOME', 'JAVA_HOME'] as const) {
    const value = host.env[variable];
    if (value && value.trim()) {
      list.push({ source: variable, location: value.trim() });
    }
  }
  for (const folder of installFolders(host)) {
    for (const name of rankInstallEntries(await host.listDir(folder.parent))) {
      const location = folder.suffix ? p.join(folder.parent, name, folder.suffix) : p.join(folder.parent, name);
      list.push({ source: 'install folder', location });
    }
  }
  const onPath = await host.whichJava();
  if (onPath) {
    list.push({ source: 'PATH', location: onPath });
  }
  const seen = new Set<string>();
  return list.filter((c) => (seen.has(c.location) ? false : (seen.add(c.location), true)));
}

/** The feature version of one candidate, from its `release` file or by running it. */
async function probe(host: JavaHost, candidate: JavaCandidate): Promise<{ executable: string; version?: number; reason?: string }> {
  const p = host.platform === 'win32' ? path.win32 : path.posix;
  const executable = candidate.source === 'PATH' ? candidate.location : javaExecutable(candidate.location, host.platform);
  if (!(await host.isFile(executable))) {
    return { executable, reason: `no ${p.basename(executable)} in ${p.dirname(executable)}` };
  }
  if (candidate.source !== 'PATH') {
    const release = await host.readText(p.join(candidate.location, 'release'));
    const version = release === undefined ? undefined : versionFromReleaseFile(release);
    if (version !== undefined) {
      return { executable, version };
    }
  }
  const output = await host.runVersion(executable);
  const version = output === undefined ? undefined : versionFromJavaOutput(output);
  return version === undefined ? { executable, reason: 'could not run it to read its version' } : { executable, version };
}

export async function discoverJava(host: JavaHost, settingHome: string | undefined): Promise<JavaDiscovery> {
  const rejections: Rejection[] = [];
  const list = await candidates(host, settingHome);
  for (const candidate of list) {
    const result = await probe(host, candidate);
    if (result.version !== undefined && result.version >= MINIMUM_JAVA_VERSION) {
      return { found: true, executable: result.executable, version: result.version, source: candidate.source };
    }
    rejections.push({ candidate, reason: result.reason ?? `Java ${result.version}, older than ${MINIMUM_JAVA_VERSION}` });
  }
  const settingInvalid = list.length > 0 && list[0].source === 'setting';
  return { found: false, settingInvalid, rejections };
}

/** A message for the user: what was tried, and what to do. */
export function describeFailure(result: JavaNotFound): string {
  const advice = `Install a JDK ${MINIMUM_JAVA_VERSION} or newer (for example Eclipse Temurin ${MINIMUM_JAVA_VERSION}) and set "replique.java.home" to its folder.`;
  if (result.settingInvalid) {
    const r = result.rejections[0];
    return `Réplique cannot start its language server: the setting "replique.java.home" (${r.candidate.location}) is not a JDK ${MINIMUM_JAVA_VERSION} or newer (${r.reason}). ${advice}`;
  }
  const tooOld = result.rejections.filter((r) => /older than/.test(r.reason));
  const seen = tooOld.length > 0 ? ` Found only ${tooOld.map((r) => r.reason.split(',')[0]).filter((v, i, a) => a.indexOf(v) === i).join(', ')}.` : '';
  return `Réplique cannot start its language server: no Java ${MINIMUM_JAVA_VERSION} or newer was found (checked "replique.java.home", JAVA_HOME, the usual install folders and the PATH).${seen} ${advice}`;
}

function expandHome(location: string, homeDir: string): string {
  if (location === '~') return homeDir;
  if (location.startsWith('~/') || location.startsWith('~\\')) return homeDir + location.slice(1);
  return location;
}

function unique(values: string[]): string[] {
  return values.filter((v, i) => values.indexOf(v) === i);
}
