/** The real machine behind {@link JavaHost}: the file system, the environment, child processes. */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { JavaHost } from './javaDiscovery';

const VERSION_TIMEOUT_MS = 10_000;

export function nodeJavaHost(): JavaHost {
  const platform = process.platform;
  return {
    platform,
    env: process.env,
    homeDir: os.homedir(),
    async isFile(file) {
      try {
        return (await fs.stat(file)).isFile();
      } catch {
        return false;
      }
    },
    async listDir(dir) {
      try {
        const entries = await fs.readdir(dir, { withFileTypes: true });
        return entries.filter((e) => e.isDirectory() || e.isSymbolicLink()).map((e) => e.name);
      } catch {
        return [];
      }
    },
    async readText(file) {
      try {
        return await fs.readFile(file, 'utf8');
      } catch {
        return undefined;
      }
    },
    runVersion(javaExecutable) {
      return new Promise((resolve) => {
        execFile(javaExecutable, ['-XshowSettings:properties', '-version'], { timeout: VERSION_TIMEOUT_MS, windowsHide: true }, (error, stdout, stderr) => {
          const output = `${stdout}\n${stderr}`;
          resolve(error && !output.trim() ? undefined : output);
        });
      });
    },
    async whichJava() {
      const name = platform === 'win32' ? 'java.exe' : 'java';
      for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
        if (!dir) continue;
        const candidate = path.join(dir, name);
        try {
          if ((await fs.stat(candidate)).isFile()) {
            return await fs.realpath(candidate);
          }
        } catch {
          // not in this folder
        }
      }
      return undefined;
    },
  };
}
