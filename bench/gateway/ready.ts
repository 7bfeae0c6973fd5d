/** Children print one line `READY {json}` once listening; the parent waits for it. */
export const readyMarker = 'READY ';

export function announceReady(details: Record<string, unknown>): void {
  process.stdout.write(`${readyMarker}${JSON.stringify(details)}\n`);
}
