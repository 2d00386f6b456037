import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { answer, apiTargetFromEnv, cliApi } from '../api-client';
import { declaredTypeFor } from '../media-types';
import { CliError, progressBar, say } from '../output';
import { sendFile } from '../upload';
import { waitForPost } from './wait';

export const postHelp = `Usage: corridor post --audience <audience> [options] FILE...

Posts photos, videos or sound recordings (and a caption) once; Corridor publishes them to every
channel. Large files go up in parts and resume by themselves after a network drop.

Options:
  --school <id>        the school to post to (must match your token's school)
  --audience <a>       public | school | class:<id>  (repeat for several classes)
  --caption <text>     the caption (#tags allowed)
  --alt <text>         alt text for each file, in order (repeat per file)
  --captions <file>    WebVTT captions (.vtt) for the first video
  --pictured <class>   a class whose pupils appear (repeat; default: the audience's classes, or all)
  --confirm-consent    confirm that no pupil whose photo consent is narrower than the audience
                       can be identified (Corridor names them when this is needed)
  --no-wait            return once uploaded, without waiting for publishing
  -h, --help           show this help

Environment: CORRIDOR_URL (default http://127.0.0.1:3000), CORRIDOR_TOKEN (required)`;

/** `corridor post`: create → upload with progress → wait until live → print the URL. */
export async function postCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      school: { type: 'string' },
      audience: { type: 'string', multiple: true },
      caption: { type: 'string', default: '' },
      alt: { type: 'string', multiple: true, default: [] },
      captions: { type: 'string' },
      pictured: { type: 'string', multiple: true },
      'confirm-consent': { type: 'boolean', default: false },
      'no-wait': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return void console.log(postHelp);
  if (!values.audience?.length) throw new CliError('Say who may see the post: --audience public, school or class:<id>.');
  if (positionals.length === 0 && values.caption.trim() === '') throw new CliError('Nothing to post: give a caption or files.');
  const files = await Promise.all(
    positionals.map(async (path, i) => {
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) throw new CliError(`${path}: no such file`);
      return { path, bytes: info.size, contentType: declaredTypeFor(path), alt: values.alt[i] ?? '' };
    }),
  );
  const captions = values.captions ? await readFile(values.captions, 'utf8').catch(() => undefined) : undefined;
  if (values.captions && captions === undefined) throw new CliError(`${values.captions}: no such file`);
  const captioned = files.findIndex((f) => f.contentType.startsWith('video/'));
  if (captions !== undefined && captioned < 0) throw new CliError('--captions goes with a video, and no file is a video.');
  const target = apiTargetFromEnv();
  const body = {
    idempotencyKey: randomUUID(),
    school: values.school,
    audience: values.audience,
    caption: values.caption,
    pictured: values.pictured,
    consentConfirmed: values['confirm-consent'],
    media: files.map(({ contentType, bytes, alt }, i) => ({
      contentType,
      bytes,
      alt,
      ...(i === captioned && captions ? { captions } : {}),
    })),
  };
  // One idempotency key for the whole command: if the network drops after the server created the post,
  // asking again returns that post instead of making a second one.
  const create = () => answer(cliApi(target).api.posts.$post({ json: body }));
  const created = await create().catch((error) => {
    if (error instanceof CliError && error.retryable) return create();
    throw error;
  });
  for (const upload of created.uploads) {
    const file = files[created.post.media.findIndex((m) => m.id === upload.mediaId)];
    if (!file) continue;
    const bar = progressBar(`Uploading ${basename(file.path)}`);
    await sendFile(target, created.post.id, upload, file, (sent) =>
      bar.update(sent / file.bytes, `${(sent / 1e6).toFixed(1)}/${(file.bytes / 1e6).toFixed(1)} MB`),
    );
    bar.done(`${(file.bytes / 1e6).toFixed(1)} MB`);
  }
  if (values['no-wait']) {
    say(`Uploaded. Post ${created.post.id} is processing; check it with: corridor status ${created.post.id}`);
    console.log(created.post.url ?? created.post.id);
    return;
  }
  const post = await waitForPost(target, created.post.id);
  console.log(post.url ?? `post ${post.id} (visible to ${post.audience.join(', ')} only)`);
}
