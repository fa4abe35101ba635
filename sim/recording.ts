import type { Turn } from '../shared/protocol.js';
import { createRng } from './random.js';

/**
 * A call's recording as a mono 8 kHz 16-bit PCM WAV: each turn a burst of speech-like sound on
 * the call's timeline (callers as filtered noise, the agent as a voiced tone, both pulsing at a
 * syllable rate), silence in between. Made on request, so nothing is stored.
 */

export const SAMPLE_RATE = 8000;
export const MAX_RECORDING_MS = 90_000;
const HEADER_BYTES = 44;
const FADE_SAMPLES = 80;

export function wavHeader(dataBytes: number): Buffer {
  const h = Buffer.alloc(HEADER_BYTES);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(SAMPLE_RATE, 24);
  h.writeUInt32LE(SAMPLE_RATE * 2, 28); // bytes per second
  h.writeUInt16LE(2, 32); // bytes per frame
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/** Samples a recording of `durationMs` has (recordings stop at MAX_RECORDING_MS). */
export function recordingSamples(durationMs: number): number {
  return Math.round((Math.min(durationMs, MAX_RECORDING_MS) * SAMPLE_RATE) / 1000);
}

/** The WAV file; `seed` picks the noise, so the same call always sounds the same. */
export function renderRecording(turns: readonly Turn[], durationMs: number, seed: number): Buffer {
  const total = recordingSamples(durationMs);
  const wav = Buffer.alloc(HEADER_BYTES + total * 2);
  wavHeader(total * 2).copy(wav, 0);
  const rng = createRng(seed);
  for (const turn of turns) {
    const from = Math.round((turn.startMs * SAMPLE_RATE) / 1000);
    const to = Math.min(total, Math.round((turn.endMs * SAMPLE_RATE) / 1000));
    let lowPassed = 0;
    for (let i = from; i < to; i += 1) {
      const t = (i - from) / SAMPLE_RATE;
      const edge = Math.min(1, (i - from) / FADE_SAMPLES, (to - 1 - i) / FADE_SAMPLES);
      let sample: number;
      if (turn.speaker === 'caller') {
        lowPassed = 0.75 * lowPassed + 0.25 * (rng.next() * 2 - 1);
        sample = 2.5 * lowPassed * (0.55 + 0.45 * Math.sin(2 * Math.PI * 4.5 * t));
      } else {
        const phase = 2 * Math.PI * (180 * t + 2 * Math.sin(2 * Math.PI * 0.7 * t));
        const voiced = 0.6 * Math.sin(phase) + 0.25 * Math.sin(2 * phase) + 0.15 * Math.sin(3 * phase);
        sample = voiced * (0.55 + 0.45 * Math.sin(2 * Math.PI * 3.5 * t));
      }
      wav.writeInt16LE(Math.round(Math.max(-1, Math.min(1, sample * edge)) * 12000), HEADER_BYTES + i * 2);
    }
  }
  return wav;
}
