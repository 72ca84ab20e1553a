import fs from 'node:fs';

/** Node names a worker's OS thread after it from 24 on; Linux shows the names in /proc (and top -H). */
export const threadsNamed = process.platform === 'linux' && Number(process.versions.node.split('.')[0]) >= 24;

/** The names of this process's threads. */
export const threadNames = (): string[] => fs.readdirSync('/proc/self/task').map((t) => fs.readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim());
