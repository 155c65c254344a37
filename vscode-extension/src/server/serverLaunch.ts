/** The command line that starts the language server (see the server's contract). */
import * as path from 'node:path';

/**
 * JVM options the server needs: the Vector API and native memory access; a quiet library on
 * JDK 25; a small young generation, which keeps the heap small while the vector kernels warm up.
 */
export const JVM_OPTIONS: readonly string[] = [
  '--add-modules=jdk.incubator.vector',
  '--enable-native-access=ALL-UNNAMED',
  '--sun-misc-unsafe-memory-access=allow',
  '-Xmn64m',
];

/** Environment variable that points the extension at another server jar (development). */
export const SERVER_JAR_VARIABLE = 'REPLIQUE_SERVER_JAR';

/** Where the packaged extension keeps the server jar, relative to the extension folder. */
export const BUNDLED_JAR = path.join('server', 'replique.jar');

export interface LaunchCommand {
  command: string;
  args: string[];
}

export function serverCommand(javaExecutable: string, jar: string): LaunchCommand {
  return { command: javaExecutable, args: [...JVM_OPTIONS, '-jar', jar, 'serve', '--stdio'] };
}

export function serverJar(extensionPath: string, env: Readonly<Record<string, string | undefined>>): string {
  const override = env[SERVER_JAR_VARIABLE];
  return override && override.trim() ? override.trim() : path.join(extensionPath, BUNDLED_JAR);
}
