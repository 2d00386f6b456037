import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamo } from '/work/wt-parents/functions/local/emulators';

const d = await startDynamo(await mkdtemp(join(tmpdir(), 'dyn-')), 'ttt');
console.log(d.endpoint);
