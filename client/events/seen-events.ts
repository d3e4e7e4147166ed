/**
 * A small in-memory LRU of event ids already handled, to skip obvious repeats (a notification
 * delivered twice, a stream batch read again) without asking Temporal. It is only a shortcut:
 * the dedup that holds across restarts and receivers is the workflow id (start-propagation.ts).
 */
export class SeenEvents {
  private readonly ids = new Map<string, true>();

  constructor(private readonly capacity = 1024) {}

  has(id: string): boolean {
    if (!this.ids.has(id)) return false;
    this.ids.delete(id);
    this.ids.set(id, true);
    return true;
  }

  add(id: string): void {
    this.ids.delete(id);
    this.ids.set(id, true);
    while (this.ids.size > this.capacity) this.ids.delete(this.ids.keys().next().value!);
  }
}
