/**
 * orb's payload converter: Temporal's default (JSON and binary), except that a payload it cannot
 * decode — an unknown encoding, bytes that are not JSON — becomes an UndecodablePayload value
 * instead of an error. Decoding happens before any workflow code runs, so with the default a
 * signal or an input sent with `temporal workflow signal --input-meta encoding=…` would fail
 * every workflow task of the run, for ever; with this one the workflow sees the value and
 * refuses it like any other bad input. Used by the worker and bundled into the workflow code
 * (worker/worker.ts, scripts/build-workflow-bundle.ts). Pure: runs in the workflow isolate.
 */
import { DefaultPayloadConverter, type Payload, type PayloadConverter } from '@temporalio/common';
import { UndecodablePayload } from './undecodable-payload';

const MAX_REASON = 200;

function encodingOf(p: Payload): string {
  const e = p.metadata?.encoding;
  if (!e) return '(none)';
  let text = '';
  for (let i = 0; i < Math.min(e.length, 60); i++) text += e[i]! >= 0x20 && e[i]! < 0x7f ? String.fromCharCode(e[i]!) : '?';
  return text;
}

class OrbPayloadConverter implements PayloadConverter {
  private readonly inner = new DefaultPayloadConverter();

  toPayload<T>(value: T, ...rest: unknown[]): Payload {
    return (this.inner.toPayload as (v: T, ...r: unknown[]) => Payload)(value, ...rest);
  }

  fromPayload<T>(payload: Payload, ...rest: unknown[]): T {
    try {
      return (this.inner.fromPayload as (p: Payload, ...r: unknown[]) => T)(payload, ...rest);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      return new UndecodablePayload(`encoding ${encodingOf(payload)}: ${why.slice(0, MAX_REASON)}`) as T;
    }
  }
}

export const payloadConverter: PayloadConverter = new OrbPayloadConverter();
