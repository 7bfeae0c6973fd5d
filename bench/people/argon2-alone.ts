/**
 * argon2id verification alone, in its own process like a server: `concurrency` verifications
 * in flight for `seconds` (the same library, @node-rs/argon2 on libuv's thread pool, and the
 * same parameters, m=19456 t=2 p=1, as Portcullis' PasswordHasher). Prints one line with the
 * result and exits.
 *
 *   node bench/people/argon2-alone.ts <concurrency> <seconds>
 */
import { owaspParameters, PasswordHasher } from '@portcullis/oauth/accounts/password-hasher';
import { person } from './fixtures.ts';
import { readyMarker } from './process.ts';

const concurrency = Number(process.argv[2] ?? 8);
const seconds = Number(process.argv[3] ?? 5);
const hasher = new PasswordHasher(owaspParameters);
const stored = await hasher.hash(person.password);
if (!(await hasher.verify(stored, person.password))) throw new Error('argon2id verification failed');

let completed = 0;
const cpu = process.cpuUsage();
const started = performance.now();
const deadline = started + seconds * 1000;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline) {
      if (!(await hasher.verify(stored, person.password))) throw new Error('argon2id verification failed');
      completed++;
    }
  }),
);
const elapsed = (performance.now() - started) / 1000;
const used = process.cpuUsage(cpu);
process.stdout.write(
  `${readyMarker}${JSON.stringify({
    concurrency,
    completed,
    seconds: elapsed,
    perSecond: completed / elapsed,
    cpuMsPerVerify: (used.user + used.system) / 1000 / completed,
    parameters: owaspParameters,
  })}\n`,
);
process.exit(0);
