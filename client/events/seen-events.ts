/**
 * A small in-memory LRU of event ids already handled, with what was decided for each, to skip
 * obvious repeats (a notification delivered twice, a stream batch read again) without asking
 * Temporal. It is only a shortcut: the dedup that holds across restarts and receivers is the
 * workflow id (start-propagation.ts).
 */
export class SeenEvents<V = true> {
  private readonly ids = new Map<string, V>();

  constructor(private readonly capacity = 1024) {}

  /** What was recorded for `id` (and it becomes the most recently used), or undefined. */
  get(id: string): V | undefined {
    if (!this.ids.has(id)) return undefined;
    const v = this.ids.get(id)!;
    this.ids.delete(id);
    this.ids.set(id, v);
    return v;
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  add(id: string, value: V = true as V): void {
    this.ids.delete(id);
    this.ids.set(id, value);
    while (this.ids.size > this.capacity) this.ids.delete(this.ids.keys().next().value!);
  }
}
