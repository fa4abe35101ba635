import { useEffect, useState, type RefObject } from 'react';
import { invoke } from '../../bridge/invoke.js';

type State = { kind: 'loading' } | { kind: 'ready'; url: string } | { kind: 'missing'; reason: string };

/**
 * The call's recording, fetched by the core (the page may only play blob: media) and played from
 * a Blob URL. Reports the playback position so the transcript can follow it.
 */
export function RecordingPlayer({
  sessionId,
  callId,
  audioRef,
  onPosition,
}: {
  sessionId: string;
  callId: string;
  audioRef: RefObject<HTMLAudioElement | null>;
  onPosition: (ms: number) => void;
}) {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [playError, setPlayError] = useState<string | null>(null);

  useEffect(() => {
    let url: string | null = null;
    let live = true;
    invoke('sampling:recording', { sessionId, callId })
      .then((r) => {
        if (!live) return;
        if ('missing' in r) {
          setState({ kind: 'missing', reason: r.missing });
          return;
        }
        const bytes = Uint8Array.from(atob(r.base64), (ch) => ch.charCodeAt(0));
        url = URL.createObjectURL(new Blob([bytes], { type: r.mimeType }));
        setState({ kind: 'ready', url });
      })
      .catch((e: Error) => live && setState({ kind: 'missing', reason: e.message }));
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [sessionId, callId]);

  return (
    <section className="panel recording" aria-label="Recording">
      {state.kind === 'loading' && <p className="muted">Loading the recording…</p>}
      {state.kind === 'missing' && <p className="muted">No recording to play: {state.reason}</p>}
      {state.kind === 'ready' && (
        <audio
          ref={audioRef}
          src={state.url}
          controls
          preload="auto"
          aria-label="Call recording"
          onTimeUpdate={(e) => onPosition(e.currentTarget.currentTime * 1000)}
          onSeeked={(e) => onPosition(e.currentTarget.currentTime * 1000)}
          onPlay={() => setPlayError(null)}
          onError={(e) => setPlayError(e.currentTarget.error?.message || 'the browser could not decode this recording')}
        />
      )}
      {playError && <p className="sampling-error">The recording does not play: {playError}</p>}
    </section>
  );
}
