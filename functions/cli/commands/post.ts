import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import type { PostView } from '../../api/client';
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
  --faces blur|keep    blur every face found in the photos (and video posters), or keep them clear;
                       once for every file, or repeated per file in order. Without it, faces start
                       blurred when pictured pupils lack consent for the audience or the school blurs
                       faces in public posts. Only a video's poster is blurred, not the video itself.
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
      faces: { type: 'string', multiple: true, default: [] },
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
  const faces = faceChoicesFor(values.faces, files.length);
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
      ...(faces[i] ? { faces: faces[i] } : {}),
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
  for (const line of facesSummary(post)) say(line);
  console.log(post.url ?? `post ${post.id} (visible to ${post.audience.join(', ')} only)`);
}

/** `--faces` once means every file; repeated, one per file in order (files left over follow the rules). */
function faceChoicesFor(given: string[], files: number): ('blur' | 'keep')[] {
  for (const choice of given) {
    if (choice !== 'blur' && choice !== 'keep') throw new CliError(`--faces is blur or keep, not "${choice}".`);
  }
  if (given.length > files) throw new CliError(`--faces was given ${given.length} times for ${files} files.`);
  const choices = given as ('blur' | 'keep')[];
  return choices.length === 1 ? Array.from({ length: files }, () => choices[0] as 'blur' | 'keep') : choices;
}

/** What happened to the faces of each file, in words (`Photo 1: 5 faces found, all blurred.`). */
export function facesSummary(post: PostView): string[] {
  return post.media.flatMap((m, i) => {
    if (!m.faces) return [];
    const blurred = m.faces.filter((f) => f.blur).length;
    const what = m.kind === 'video' ? `Video ${i + 1} (its poster)` : `Photo ${i + 1}`;
    if (m.faces.length === 0) return [`${what}: no faces found.`];
    const state = blurred === m.faces.length ? 'all blurred' : blurred === 0 ? 'none blurred' : `${blurred} blurred`;
    return [`${what}: ${m.faces.length} face${m.faces.length === 1 ? '' : 's'} found, ${state}.`];
  });
}
