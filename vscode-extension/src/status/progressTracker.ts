/**
 * Work-done progress reported by the server (`$/progress` with `begin`, `report`, `end`),
 * kept per token so that the status bar can show the newest running task.
 */

export interface ProgressValue {
  kind: 'begin' | 'report' | 'end';
  title?: string;
  message?: string;
  percentage?: number;
}

export interface RunningTask {
  token: string;
  title: string;
  message?: string;
  percentage?: number;
}

export class ProgressTracker {
  private readonly tasks = new Map<string, RunningTask>();

  /** Applies one `$/progress` value; returns true when something visible changed. */
  update(token: string | number, value: ProgressValue): boolean {
    const key = String(token);
    switch (value.kind) {
      case 'begin':
        this.tasks.set(key, { token: key, title: value.title ?? '', message: value.message, percentage: value.percentage });
        return true;
      case 'report': {
        const task = this.tasks.get(key);
        if (!task) return false;
        if (value.message !== undefined) task.message = value.message;
        if (value.percentage !== undefined) task.percentage = value.percentage;
        return true;
      }
      case 'end':
        return this.tasks.delete(key);
      default:
        return false;
    }
  }

  /** The most recently begun task still running. */
  current(): RunningTask | undefined {
    let last: RunningTask | undefined;
    for (const task of this.tasks.values()) last = task;
    return last;
  }

  clear(): void {
    this.tasks.clear();
  }
}
