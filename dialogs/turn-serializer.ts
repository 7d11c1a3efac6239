import type { Activity } from 'botbuilder';

/**
 * Runs the turns of one conversation one at a time, in arrival order (a per-key async mutex).
 * botbuilder saves state with eTag `*`, so two messages of one chat processed together (a Telegram
 * album of photos) would overwrite each other's state; channels wrap `bot.run` in `serializer.run`.
 * Different conversations still run concurrently. Keys are dropped once their queue is empty, so an idle
 * conversation costs nothing here.
 *
 * @remarks In-process only: with several processes behind one webhook the bot's optimistic state
 * writes (see PaknBot) are the second line of defence.
 */
export class TurnSerializer {
  private readonly tails = new Map<string, Promise<void>>();

  /** Number of conversations with a turn running or queued. */
  get activeKeys(): number {
    return this.tails.size;
  }

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(fn);
    // The queue continues whether this turn succeeded or failed.
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

/** The key turns are serialised on: the channel and its chat. */
export function turnKey(activity: Partial<Pick<Activity, 'channelId' | 'conversation'>>): string {
  return `${activity.channelId ?? ''}/${activity.conversation?.id ?? ''}`;
}
