/**
 * The language server's standard error, line by line, at the level a user can trust: the JVM's
 * notice that the Vector API is an incubator module (printed at every start, nothing to act on)
 * is a debug line; the server's log records say their own level (`WARNING: …`, `SEVERE: …`); a
 * stack trace takes the level of the record it belongs to; anything else is information, and
 * only what says it is an error is shown as one.
 */
export type LineLevel = 'debug' | 'info' | 'warn' | 'error';

const JVM_NOTICES = [/^WARNING: Using incubator modules/, /^WARNING: A terminally deprecated method/, /^WARNING: sun\.misc\.Unsafe/, /^WARNING: Please consider reporting/];
const CONTINUATION = /^(\s+at |\s*\.\.\. \d+ more|Caused by: |\s+Suppressed: )/;

export class ServerStderr {
  private previous: LineLevel = 'info';

  /** The level of the next line. */
  levelOf(line: string): LineLevel {
    if (CONTINUATION.test(line)) return this.previous;
    let level: LineLevel;
    if (JVM_NOTICES.some((notice) => notice.test(line))) level = 'debug';
    else if (/^(SEVERE|ERROR)\b/.test(line) || /^(Exception in thread|[\w.$]+(Exception|Error)(: |$))/.test(line)) level = 'error';
    else if (/^WARN(ING)?\b/.test(line)) level = 'warn';
    else if (/^(FINE|FINER|FINEST|DEBUG)\b/.test(line)) level = 'debug';
    else level = 'info';
    this.previous = level;
    return level;
  }
}

/** Whether `replique.trace.server` asks for the protocol's messages. */
export function traceWanted(setting: unknown): boolean {
  return setting === 'messages' || setting === 'verbose';
}
