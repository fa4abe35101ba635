import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { SessionDetail } from '../../../shared/bridge.js';
import type { CallRecord } from '../../../shared/protocol.js';
import {
  samplingKeyAction,
  type Annotation,
  type FailureCategory,
  type NavigationDirection,
  type SessionSummary,
  type Verdict,
} from '../../../shared/sampling.js';
import { useConsole } from '../../state/store.js';
import { selectSessionRevision } from '../../state/team.js';
import { useRefusal } from '../team/use-refusal.js';
import { AnnotationPanel, type SaveState } from './AnnotationPanel.js';
import { AnnotationSaver, type AnnotationChange } from './annotation-saver.js';
import { CallDetails } from './CallDetails.js';
import { CallList } from './CallList.js';
import { ExportPanel } from './ExportPanel.js';
import { RecordingPlayer } from './RecordingPlayer.js';
import { progressText } from './SessionList.js';
import { SpreadTable } from './SpreadTable.js';
import { SummaryPanel } from './SummaryPanel.js';
import { Transcript } from './Transcript.js';
import { invoke } from '../../bridge/invoke.js';

/** Keys typed into a field are text, not shortcuts. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'range'].includes(target.type);
}

/** Replay and annotation of one session, every action on the keyboard. */
export function ReplayScreen({ sessionId }: { sessionId: string }) {
  const callIndex = useConsole((s) => s.callIndex);
  const setCallIndex = useConsole((s) => s.setCallIndex);
  const close = useConsole((s) => s.closeReplay);
  const [detail, setDetail] = useState<SessionDetail | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [annotations, setAnnotations] = useState<Record<string, Annotation>>({});
  const [summary, setSummary] = useState<SessionSummary | null>(null);
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });
  const [revealed, setRevealed] = useState<CallRecord | null>(null);
  const [revealError, setRevealError] = useState<{ callId: string; message: string } | null>(null);
  const [positionMs, setPositionMs] = useState<number | null>(null);
  const audioRef = useRef<HTMLAudioElement | null>(null);

  const load = useCallback(async () => {
    try {
      const d = await invoke('sampling:session', { sessionId });
      setDetail(d);
      setAnnotations(Object.fromEntries(d.annotations.map((a) => [a.callId, a])));
      setSummary(d.summary);
      setLoadError(null);
      const ui = useConsole.getState();
      if (ui.callIndex === null) {
        const firstOpen = d.stored.calls.findIndex((c) => !d.annotations.some((a) => a.callId === c.id && a.verdict !== null));
        ui.setCallIndex(Math.max(0, firstOpen));
      }
    } catch (e) {
      setLoadError((e as Error).message);
    }
  }, [sessionId]);
  useEffect(() => {
    void load();
  }, [load]);

  /*
   * Another reviewer's annotations reach this screen with the push after they are saved: the
   * session is read again when its counter moves. What this reviewer has changed and not yet
   * seen saved stays as typed: a read that overlaps a local change is dropped, and made again
   * once the saver is idle.
   */
  const edits = useRef(0);
  const saverRef = useRef<AnnotationSaver | null>(null);
  const behind = useRef(false);
  const refresh = useCallback(async () => {
    if (saverRef.current?.busy) {
      behind.current = true;
      return;
    }
    const before = edits.current;
    try {
      const d = await invoke('sampling:session', { sessionId });
      if (edits.current !== before || saverRef.current?.busy) {
        behind.current = true;
        return;
      }
      behind.current = false;
      setDetail(d);
      setAnnotations(Object.fromEntries(d.annotations.map((a) => [a.callId, a])));
      setSummary(d.summary);
    } catch {
      // The next change, push or poll reads it again.
    }
  }, [sessionId]);
  const refreshRef = useRef(refresh);
  refreshRef.current = refresh;
  const revision = useConsole(selectSessionRevision(sessionId));
  const seenRevision = useRef(revision);
  useEffect(() => {
    if (revision === null || revision === seenRevision.current) return;
    seenRevision.current = revision;
    void refresh();
  }, [revision, refresh]);

  const calls = detail?.stored.calls ?? [];
  const index = Math.min(callIndex ?? 0, Math.max(0, calls.length - 1));
  const current = calls[index];
  const callId = current?.id;

  useEffect(() => {
    setRevealed(null);
    setPositionMs(null);
  }, [callId]);

  /** The screen shows each change before the core confirms it, and resyncs when one fails. */
  const saver = useMemo(
    () =>
      new AnnotationSaver((request) => invoke('sampling:annotate', request), {
        saving: () => setSave({ kind: 'saving' }),
        settled: (saved) => {
          setAnnotations((all) => ({ ...all, [saved.annotation.callId]: saved.annotation }));
          setSummary(saved.summary);
          setSave({ kind: 'saved', at: Date.now() });
          if (behind.current) void refreshRef.current();
        },
        failed: (e) => {
          setSave({ kind: 'error', message: e.message });
          void load();
        },
      }),
    [load],
  );
  saverRef.current = saver;
  const annotateRefusal = useRefusal('sampling:annotate');
  const annotate = useCallback(
    (id: string, change: AnnotationChange) => {
      edits.current += 1;
      setAnnotations((all) => {
        const prior = all[id];
        const base: Annotation = prior ?? { sessionId, callId: id, verdict: null, categories: [], note: '', updatedAt: '', updatedBy: '' };
        return { ...all, [id]: { ...base, ...change } };
      });
      saver.save({ sessionId, callId: id, ...change });
    },
    [sessionId, saver],
  );

  const currentAnnotation = callId ? annotations[callId] : undefined;

  const navigate = (direction: NavigationDirection) => {
    const next = index + (direction === 'next' ? 1 : -1);
    if (next >= 0 && next < calls.length) setCallIndex(next);
  };
  const setVerdict = (verdict: Verdict) => {
    if (callId && currentAnnotation?.verdict !== verdict) annotate(callId, { verdict });
  };
  const toggleCategory = (category: FailureCategory) => {
    if (!callId) return;
    const held = currentAnnotation?.categories ?? [];
    annotate(callId, { categories: held.includes(category) ? held.filter((c) => c !== category) : [...held, category] });
  };
  // The listener is bound once; this ref always reaches the handlers of the latest render.
  const act = useRef<(key: string) => boolean>(() => false);
  act.current = (key: string) => {
    const action = samplingKeyAction(key);
    if (!action || !callId) return false;
    // A role that may not annotate still moves between calls; its verdict and category keys do nothing.
    if (action.kind !== 'navigate' && annotateRefusal !== null) return false;
    if (action.kind === 'navigate') navigate(action.direction);
    else if (action.kind === 'verdict') setVerdict(action.verdict);
    else toggleCategory(action.category);
    return true;
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      // The emergency confirm owns the keyboard while it is open.
      if (useConsole.getState().emergency) return;
      if (act.current(e.key)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const reveal = async () => {
    if (!callId) return;
    try {
      const d = await invoke('sampling:reveal', { sessionId, callId });
      setRevealed(d.stored.calls.find((c) => c.id === d.revealedCallId) ?? null);
      setRevealError(null);
    } catch (e) {
      setRevealError({ callId, message: (e as Error).message });
    }
  };

  const seek = (ms: number) => {
    setPositionMs(ms);
    const audio = audioRef.current;
    if (!audio || !audio.src) return;
    audio.currentTime = ms / 1000;
    // A refused play() (no user gesture yet) still leaves the recording at the turn; its play button starts it.
    if (audio.paused) void audio.play().catch(() => undefined);
  };

  if (loadError && !detail) {
    return (
      <div className="sampling">
        <button onClick={close}>← All sessions</button>
        <p role="alert" className="sampling-error">
          Could not open the session: {loadError}
        </p>
      </div>
    );
  }
  if (!detail || !current) return <p className="muted">Opening the session…</p>;

  const shown = revealed && revealed.id === current.id ? revealed : current;
  const progress = {
    annotated: calls.filter((c) => (annotations[c.id]?.verdict ?? null) !== null).length,
    total: calls.length,
  };

  return (
    <div className="sampling replay">
      <header className="panel replay-header">
        <button onClick={close}>← All sessions</button>
        <h2 className="replay-title">{detail.stored.session.name}</h2>
        <span className="replay-progress" aria-label="Session progress">
          <progress max={progress.total} value={progress.annotated} aria-hidden="true" /> {progressText(progress)}
        </span>
        <span
          className="muted"
          title={
            detail.stored.session.poolId
              ? 'Redrawing with this seed from this pool snapshot gives these same calls; a new draw over the same range uses the calls held now'
              : 'Drawn before pool snapshots were recorded: this draw cannot be repeated'
          }
        >
          seed {detail.stored.session.seed} · pool {detail.stored.session.poolId?.slice(0, 8) ?? 'not recorded'} · drawn by{' '}
          {detail.stored.session.createdBy}
        </span>
      </header>
      <div className="replay-grid">
        <CallList calls={calls} annotations={annotations} index={index} onSelect={setCallIndex} />
        <div className="replay-main">
          <CallDetails
            call={shown}
            position={`Call ${index + 1} of ${calls.length}`}
            maskedItems={detail.maskedItems[current.id]}
            revealed={shown !== current}
            revealError={revealError?.callId === current.id ? revealError.message : null}
            onReveal={() => void reveal()}
          />
          <RecordingPlayer key={current.id} sessionId={sessionId} callId={current.id} audioRef={audioRef} onPosition={setPositionMs} />
          <Transcript call={shown} positionMs={positionMs} onSeek={seek} />
        </div>
        <div className="replay-side">
          <AnnotationPanel
            key={current.id}
            annotation={currentAnnotation}
            save={save}
            onVerdict={setVerdict}
            onCategory={toggleCategory}
            onNote={(note) => annotate(current.id, { note })}
            onNavigate={navigate}
            canPrevious={index > 0}
            canNext={index < calls.length - 1}
            refusal={annotateRefusal}
          />
          {summary && <SummaryPanel summary={summary} />}
          <ExportPanel sessionId={sessionId} />
          <details className="panel">
            <summary>Sample against traffic</summary>
            <SpreadTable rows={detail.spread} />
          </details>
        </div>
      </div>
    </div>
  );
}
