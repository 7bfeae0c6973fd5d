import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Calls `onChange` when the file changes, debounced. Watches the directory rather than the
 * file, because editors and deploy tools replace files by rename. Returns a function that stops.
 */
export function watchConfigFile(path: string, onChange: () => void, debounceMs = 200): () => void {
  const name = basename(path);
  let timer: NodeJS.Timeout | undefined;
  const watcher: FSWatcher = watch(dirname(path), (_event, changed) => {
    if (changed !== null && changed !== name) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  });
  watcher.unref();
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}
