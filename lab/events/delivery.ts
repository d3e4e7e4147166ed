/**
 * The lab's Notifications delivery loop: POSTs each event of `cloud.events` to every ACTIVE
 * subscription, in order from its `nextOffset`, at least once. A failed POST (network error or a
 * non-2xx answer) is retried: at once, then with backoff doubling from 1 s to 32 s and staying
 * there. OCI retries at once, then after 1, 2, 4, 8, 16 and 32 minutes until the subscription's
 * retry duration (default two hours) is over, then discards the message (Oracle's "Overview of
 * Notifications"); the lab compresses minutes to seconds and never discards. Duplicates on
 * purpose: a subscription with `deliverTwice` gets every event twice, and `redeliver` queues the
 * last N delivered events again.
 *
 * The loop's interval runs (unref'd) only while some subscription is ACTIVE; it reads the estate
 * and saves only when a delivery moved a subscription on. Timing is real time, not simulated.
 */
import type { Lab } from '../lab';
import type { LabNotificationSubscription, LabOciEvent } from '../cloud-model';
import { labLogger, type LabLogger } from '../log';
import { notificationMessage, postMessage } from './notification-messages';

const TICK_MS = 200;
const BACKOFF_MS = [0, 1000, 2000, 4000, 8000, 16000, 32000];

interface Pending {
  failures: number;
  nextAtMs: number;
}

export class EventDelivery {
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private readonly pending = new Map<string, Pending>();
  private readonly abort = new AbortController();
  /** The lab's own URL as clients reach it (for the unsubscribe URL in every message) */
  baseUrl = 'http://127.0.0.1:7480';

  constructor(
    private readonly lab: Lab,
    private readonly log: LabLogger,
  ) {}

  /** Starts the interval when some subscription is ACTIVE. */
  kick(): void {
    if (this.timer || this.abort.signal.aborted || !this.activeSubscriptions().length) return;
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.abort.abort();
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  private activeSubscriptions(): LabNotificationSubscription[] {
    return this.lab.estate().cloud.subscriptions.filter((s) => s.lifecycleState === 'ACTIVE');
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    const active = this.activeSubscriptions();
    if (!active.length) return this.idle();
    this.busy = true;
    try {
      for (const sub of active) await this.deliverNext(sub);
    } finally {
      this.busy = false;
    }
  }

  private idle(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The event to deliver next to a subscription: a queued redelivery first, then nextOffset. */
  private nextEvent(sub: LabNotificationSubscription): { event: LabOciEvent; redelivery: boolean } | null {
    const events = this.lab.estate().cloud.events;
    const redo = sub.redeliver?.[0];
    const at = (offset: number) => events.find((e) => e.offset === offset);
    if (redo !== undefined) {
      const event = at(redo);
      if (event) return { event, redelivery: true };
    }
    const event = at(sub.nextOffset);
    return event ? { event, redelivery: false } : null;
  }

  private async deliverNext(sub: LabNotificationSubscription): Promise<void> {
    const p = this.pending.get(sub.id) ?? { failures: 0, nextAtMs: 0 };
    if (Date.now() < p.nextAtMs) return;
    const next = this.nextEvent(sub);
    if (!next) return;
    const ok = await this.post(sub, next.event);
    if (!ok) {
      p.failures += 1;
      p.nextAtMs = Date.now() + BACKOFF_MS[Math.min(p.failures - 1, BACKOFF_MS.length - 1)]!;
      this.pending.set(sub.id, p);
      return;
    }
    this.pending.delete(sub.id);
    if (sub.deliverTwice && !next.redelivery) await this.post(sub, next.event);
    this.moveOn(sub.id, next.event.offset, next.redelivery);
  }

  private async post(sub: LabNotificationSubscription, event: LabOciEvent): Promise<boolean> {
    const fields = { subscription: sub.id, offset: event.offset, eventID: event.envelope.eventID };
    try {
      const status = await postMessage(sub.endpoint, notificationMessage(this.baseUrl, sub, event), this.abort.signal);
      if (status >= 200 && status < 300) {
        this.log.info({ ...fields, status }, 'event delivered');
        return true;
      }
      this.log.warn({ ...fields, status }, 'event delivery refused: will retry');
    } catch (e) {
      if (this.abort.signal.aborted) return false;
      this.log.warn({ ...fields, err: (e as Error).message }, 'event delivery failed: will retry');
    }
    return false;
  }

  private moveOn(subId: string, offset: number, redelivery: boolean): void {
    this.lab.cloudControl((_ctx, cloud) => {
      const s = cloud.subscriptions.find((x) => x.id === subId);
      if (!s) return;
      if (redelivery) s.redeliver = (s.redeliver ?? []).slice(1);
      else s.nextOffset = Math.max(s.nextOffset, offset + 1);
    });
  }
}

const deliveries = new WeakMap<Lab, EventDelivery>();

/** The delivery loop of a lab (made on first use), resumed for subscriptions a state file kept ACTIVE. */
export function eventDelivery(lab: Lab, log?: LabLogger): EventDelivery {
  let d = deliveries.get(lab);
  if (!d) {
    d = new EventDelivery(lab, log ?? labLogger());
    deliveries.set(lab, d);
  }
  d.kick();
  return d;
}

/** Stops a lab's delivery loop (on lab close). */
export function stopEventDelivery(lab: Lab): void {
  deliveries.get(lab)?.stop();
  deliveries.delete(lab);
}
