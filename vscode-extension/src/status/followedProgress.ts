/**
 * The progress of one command in a notification. The server may report on the token the
 * client gave with the request, or on a token of its own (`window/workDoneProgress/create`):
 * follow the client's token, or else the first other task that begins (not a model load).
 */
import type { ProgressValue } from './progressTracker';

export interface ProgressStep {
  message?: string;
  /** Percent since the previous step (VS Code's `Progress.report` takes increments). */
  increment?: number;
}

export class FollowedProgress {
  private followed: string;
  private adopted = false;
  private reported = 0;

  constructor(private readonly own: string) {
    this.followed = own;
  }

  accept(token: string | number, value: ProgressValue): ProgressStep | undefined {
    const key = String(token);
    if (value.kind === 'begin' && !this.adopted && key !== this.own && !/load/i.test(value.title ?? '')) {
      this.followed = key;
      this.adopted = true;
    }
    if (key === this.own) this.adopted = true;
    if (key !== this.followed || value.kind === 'end') return undefined;
    let increment: number | undefined;
    if (value.percentage !== undefined) {
      increment = Math.max(0, value.percentage - this.reported);
      this.reported = Math.max(this.reported, value.percentage);
    }
    return { message: value.message, increment };
  }
}
