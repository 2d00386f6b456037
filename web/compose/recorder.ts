/**
 * Records sound in the page with MediaRecorder, showing a level meter and a timer. Loaded on demand
 * (a separate chunk), so the composer's first load stays small.
 */
import { h, replace } from '../shared/dom';

/** A school assembly piece or a child reading: long enough, and bounded (the API limits duration too). */
export const MAX_RECORDING_SECONDS = 15 * 60;

/** Container formats in order of preference; Safari records MP4/AAC, Chromium and Firefox WebM/Opus. */
const TYPES = ['audio/webm;codecs=opus', 'audio/mp4', 'audio/ogg;codecs=opus', 'audio/webm'];

const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;

/** Words for the ways getUserMedia fails. */
export function microphoneProblem(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return 'Corridor may not use the microphone. Allow it in your browser’s settings for this site, then try again.';
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'No microphone was found on this device.';
  if (name === 'NotReadableError') return 'The microphone is busy in another app. Close it and try again.';
  return 'Recording could not start. You can record with your phone’s voice recorder and attach the file instead.';
}

/**
 * Opens the recorder in `panel`: starts at once, and calls `done` with the recording as a File
 * (or `undefined` when cancelled).
 */
export async function record(panel: HTMLElement, done: (file: File | undefined) => void): Promise<void> {
  const status = h('p', { class: 'rec-status', role: 'status' }, 'Asking for the microphone…');
  const close = (file?: File) => {
    replace(panel);
    panel.hidden = true;
    done(file);
  };
  replace(panel, h('h2', { class: 'rec-title' }, 'Record sound'), status);
  panel.hidden = false;
  if (!navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === 'undefined') {
    status.textContent = 'This browser cannot record sound. Record with your phone’s voice recorder and attach the file.';
    panel.append(h('button', { type: 'button', class: 'secondary', onclick: () => close() }, 'Close'));
    return;
  }
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false } });
  } catch (error) {
    status.textContent = microphoneProblem(error);
    panel.append(h('button', { type: 'button', class: 'secondary', onclick: () => close() }, 'Close'));
    return;
  }
  const mimeType = TYPES.find((t) => MediaRecorder.isTypeSupported(t));
  const recorder = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
  const chunks: Blob[] = [];
  recorder.ondataavailable = (event) => event.data.size && chunks.push(event.data);

  // Level meter: RMS of the analyser's time-domain samples, drawn as a bar.
  const audio = new AudioContext();
  const analyser = audio.createAnalyser();
  analyser.fftSize = 1024;
  audio.createMediaStreamSource(stream).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  const level = h('span', { class: 'level-bar' });
  const timer = h('span', { class: 'rec-timer', 'aria-hidden': 'true' }, '0:00');
  let frame = 0;
  let started = 0;
  let cancelled = false;
  let limit: ReturnType<typeof setTimeout> | undefined;

  const stopAll = () => {
    cancelAnimationFrame(frame);
    clearTimeout(limit);
    for (const track of stream.getTracks()) track.stop();
    void audio.close();
  };
  const draw = () => {
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const s of samples) sum += s * s;
    const rms = Math.sqrt(sum / samples.length);
    level.style.transform = `scaleX(${Math.min(1, rms * 4).toFixed(3)})`;
    const seconds = (performance.now() - started) / 1000;
    timer.textContent = clock(seconds);
    frame = requestAnimationFrame(draw);
  };
  recorder.onstop = () => {
    stopAll();
    if (cancelled || chunks.length === 0) return close();
    const type = (recorder.mimeType || mimeType || 'audio/webm').split(';')[0] ?? 'audio/webm';
    const extension = type.includes('mp4') ? 'm4a' : type.includes('ogg') ? 'ogg' : 'webm';
    const name = `Recording ${clock((performance.now() - started) / 1000).replace(':', 'm')}s.${extension}`;
    close(new File(chunks, name, { type }));
  };
  limit = setTimeout(() => recorder.state === 'recording' && recorder.stop(), MAX_RECORDING_SECONDS * 1000);

  replace(
    panel,
    h('h2', { class: 'rec-title' }, 'Recording'),
    h(
      'div',
      { class: 'rec-row' },
      h('span', { class: 'rec-dot', 'aria-hidden': 'true' }),
      timer,
      h('span', { class: 'level', 'aria-hidden': 'true' }, level),
    ),
    h('p', { class: 'vh', role: 'status' }, 'Recording started.'),
    h(
      'div',
      { class: 'rec-actions' },
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: () => {
            cancelled = true;
            recorder.stop();
          },
        },
        'Cancel',
      ),
      h('button', { type: 'button', class: 'primary', onclick: () => recorder.stop() }, 'Stop and add'),
    ),
  );
  recorder.start(1000);
  started = performance.now();
  frame = requestAnimationFrame(draw);
}
