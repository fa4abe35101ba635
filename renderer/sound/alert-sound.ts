/**
 * The alert chime, synthesised with the Web Audio API so there is no audio file to ship, load
 * or fail to find. Browsers keep an AudioContext suspended until the page has seen a user
 * gesture, so the context is created (and resumed) on the operator's first click or key press;
 * an alert that fires before any gesture is still shown and notified, only silent.
 */

let context: AudioContext | null = null;

function audio(): AudioContext | null {
  if (typeof AudioContext === 'undefined') return null;
  context ??= new AudioContext();
  return context;
}

/** Arms the sound on the first user gesture; returns the way to stop listening. */
export function unlockAlertSoundOnGesture(target: Pick<Window, 'addEventListener' | 'removeEventListener'>): () => void {
  const stop = (): void => {
    target.removeEventListener('pointerdown', unlock);
    target.removeEventListener('keydown', unlock);
  };
  const unlock = (): void => {
    void audio()?.resume();
    stop();
  };
  target.addEventListener('pointerdown', unlock);
  target.addEventListener('keydown', unlock);
  return stop;
}

/** Three falling tones, about a second long: distinct from the system's own notification sound. */
const TONES_HZ = [988, 784, 659];
const TONE_S = 0.22;
const GAP_S = 0.08;

export function playAlertSound(): void {
  const ac = audio();
  if (!ac) return;
  void ac.resume();
  const start = ac.currentTime + 0.02;
  TONES_HZ.forEach((hz, i) => {
    const t = start + i * (TONE_S + GAP_S);
    const osc = ac.createOscillator();
    const gain = ac.createGain();
    osc.type = 'triangle';
    osc.frequency.setValueAtTime(hz, t);
    // A short attack and release: a bare on/off square of sound clicks.
    gain.gain.setValueAtTime(0, t);
    gain.gain.linearRampToValueAtTime(0.25, t + 0.02);
    gain.gain.setValueAtTime(0.25, t + TONE_S - 0.05);
    gain.gain.linearRampToValueAtTime(0, t + TONE_S);
    osc.connect(gain).connect(ac.destination);
    osc.start(t);
    osc.stop(t + TONE_S);
  });
}
