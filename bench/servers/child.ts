/**
 * What every benchmark server child shares: how it tells the parent it is listening, and how
 * it goes away (SIGTERM from the parent, or the parent vanishing: stdin closes).
 */

/** Marker of the one stdout line the parent waits for; the JSON after it carries the URL. */
export const readyMarker = 'BENCH_READY ';

export interface ReadyMessage {
  url: string;
}

/** Prints the ready line and arranges to exit when told to, or when the parent is gone. */
export function announce(message: ReadyMessage, stop: () => Promise<void> = async () => {}): void {
  let stopping = false;
  const exit = () => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(0), 3000);
    force.unref();
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', exit);
  process.on('SIGINT', exit);
  // The parent holds our stdin open; EOF means it has exited without stopping us.
  process.stdin.on('end', exit);
  process.stdin.on('error', exit);
  process.stdin.resume();
  process.stdout.write(`${readyMarker}${JSON.stringify(message)}\n`);
}

/** Port 0 picks a free one; the child reports the actual URL. */
export const host = '127.0.0.1';
