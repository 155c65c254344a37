// Copies the language server jar into the extension (server/replique.jar), so that the .vsix
// carries it and nothing is downloaded at install or run time.
// Source: $REPLIQUE_SERVER_JAR, else language-server/target/replique.jar of the repository
// (built by `mvn package`).
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const extensionDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = process.env.REPLIQUE_SERVER_JAR || path.resolve(extensionDir, '..', 'language-server', 'target', 'replique.jar');
const target = path.join(extensionDir, 'server', 'replique.jar');

if (!existsSync(source)) {
  console.error(`The language server jar is missing: ${source}`);
  console.error('Build it first from the repository root (mvn -DskipTests package), or set REPLIQUE_SERVER_JAR to a built jar.');
  process.exit(1);
}
mkdirSync(path.dirname(target), { recursive: true });
copyFileSync(source, target);
console.log(`server/replique.jar ← ${source} (${(statSync(target).size / 1048576).toFixed(1)} MB)`);
