/** Reading a Java feature version (8, 17, 25, …) from what a JDK tells about itself. */

/** `25.0.1` → 25, `1.8.0_392` → 8, `26-ea` → 26. */
export function featureVersion(version: string): number | undefined {
  const match = /^\s*(\d+)(?:\.(\d+))?/.exec(version);
  if (!match) {
    return undefined;
  }
  const first = Number(match[1]);
  if (first === 1 && match[2] !== undefined) {
    return Number(match[2]);
  }
  return first;
}

/** The `release` file at the root of every JDK: `JAVA_VERSION="25.0.1"`. */
export function versionFromReleaseFile(text: string): number | undefined {
  const match = /^JAVA_VERSION="?([^"\r\n]+)"?\s*$/m.exec(text);
  return match ? featureVersion(match[1]) : undefined;
}

/**
 * The output of `java -XshowSettings:properties -version` (on stderr), or of a plain
 * `java -version`: `java.specification.version = 25`, else `openjdk version "25.0.1" …`.
 */
export function versionFromJavaOutput(text: string): number | undefined {
  const spec = /^\s*java\.specification\.version\s*=\s*(\S+)/m.exec(text);
  if (spec) {
    return featureVersion(spec[1]);
  }
  const banner = /\bversion\s+"([^"]+)"/.exec(text);
  return banner ? featureVersion(banner[1]) : undefined;
}
