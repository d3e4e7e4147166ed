/**
 * Simulated time: simulated ms = anchor + (real elapsed ms × speed). Time is lazy: nothing
 * ticks, readers ask `now()` and the estate is advanced to it before being read or changed.
 * A speed change re-anchors so simulated time never jumps.
 */
export class SimClock {
  private simAnchorMs: number;
  private realAnchorMs: number;
  private speedFactor: number;

  constructor(simNowMs: number, speed: number, private readonly realNow: () => number = Date.now) {
    this.simAnchorMs = simNowMs;
    this.realAnchorMs = realNow();
    this.speedFactor = speed;
  }

  get speed(): number {
    return this.speedFactor;
  }

  now(): number {
    return Math.floor(this.simAnchorMs + (this.realNow() - this.realAnchorMs) * this.speedFactor);
  }

  setSpeed(speed: number): void {
    this.simAnchorMs = this.now();
    this.realAnchorMs = this.realNow();
    this.speedFactor = speed;
  }

  /** Real milliseconds until simulated time reaches `simMs` at the current speed. */
  realMsUntil(simMs: number): number {
    return Math.max(0, (simMs - this.now()) / this.speedFactor);
  }
}
