import { describe, expect, it } from 'vitest';
import type { Turn } from '../../shared/protocol.js';
import { MAX_RECORDING_MS, SAMPLE_RATE, renderRecording } from '../../sim/recording.js';

const turns: Turn[] = [
  { speaker: 'agent', text: 'hello', startMs: 500, endMs: 2000, latencyMs: 500 },
  { speaker: 'caller', text: 'hi', startMs: 2600, endMs: 4000 },
];

function rms(wav: Buffer, fromMs: number, toMs: number): number {
  let sum = 0;
  let n = 0;
  for (let i = Math.round((fromMs * SAMPLE_RATE) / 1000); i < Math.round((toMs * SAMPLE_RATE) / 1000); i += 1) {
    const s = wav.readInt16LE(44 + i * 2);
    sum += s * s;
    n += 1;
  }
  return Math.sqrt(sum / n);
}

describe('recording', () => {
  it('is a mono 8 kHz 16-bit PCM WAV as long as the call', () => {
    const wav = renderRecording(turns, 4500, 1);
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
    expect(wav.toString('ascii', 8, 16)).toBe('WAVEfmt ');
    expect(wav.readUInt16LE(20)).toBe(1);
    expect(wav.readUInt16LE(22)).toBe(1);
    expect(wav.readUInt32LE(24)).toBe(8000);
    expect(wav.readUInt16LE(34)).toBe(16);
    expect(wav.toString('ascii', 36, 40)).toBe('data');
    expect(wav.readUInt32LE(40)).toBe(4500 * 8 * 2);
    expect(wav.length).toBe(44 + 4500 * 8 * 2);
  });

  it('sounds during turns and is silent between them', () => {
    const wav = renderRecording(turns, 4500, 1);
    expect(rms(wav, 0, 500)).toBe(0);
    expect(rms(wav, 600, 1900)).toBeGreaterThan(1000);
    expect(rms(wav, 2000, 2600)).toBe(0);
    expect(rms(wav, 2700, 3900)).toBeGreaterThan(500);
    expect(rms(wav, 4000, 4500)).toBe(0);
  });

  it('sounds different for caller and agent, and the same for the same seed', () => {
    const agent = renderRecording([{ ...turns[0]!, startMs: 0, endMs: 1000 }], 1000, 1);
    const caller = renderRecording([{ ...turns[1]!, startMs: 0, endMs: 1000 }], 1000, 1);
    expect(agent.equals(caller)).toBe(false);
    expect(renderRecording(turns, 4500, 9).equals(renderRecording(turns, 4500, 9))).toBe(true);
  });

  it('stops at the cap', () => {
    const long = renderRecording([{ speaker: 'caller', text: 'x', startMs: 0, endMs: 200_000 }], 200_000, 1);
    expect(long.readUInt32LE(40)).toBe((MAX_RECORDING_MS * SAMPLE_RATE * 2) / 1000);
  });
});
