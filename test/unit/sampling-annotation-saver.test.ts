import { describe, expect, it } from 'vitest';
import type { AnnotationSaved } from '../../shared/bridge.js';
import { AnnotationSaver, type AnnotationRequest } from '../../renderer/components/sampling/annotation-saver.js';

/** A core whose answers the test releases one by one, recording what was sent. */
function fakeCore() {
  const sent: AnnotationRequest[] = [];
  const pending: { resolve: (v: AnnotationSaved) => void; reject: (e: Error) => void }[] = [];
  const events: string[] = [];
  const saver = new AnnotationSaver(
    (request) => {
      sent.push(request);
      return new Promise((resolve, reject) => pending.push({ resolve, reject }));
    },
    {
      saving: () => events.push('saving'),
      settled: (saved) => events.push(`settled ${saved.annotation.callId} ${saved.annotation.note}`),
      failed: (e) => events.push(`failed ${e.message}`),
    },
  );
  const answer = (request: AnnotationRequest): AnnotationSaved => ({
    annotation: {
      sessionId: request.sessionId, callId: request.callId, verdict: request.verdict ?? null,
      categories: request.categories ?? [], note: request.note ?? '', updatedAt: '2025-06-02T09:00:00.000Z', updatedBy: 'Dana',
    },
    progress: { annotated: 0, total: 24 },
    summary: { sessionId: request.sessionId, total: 24, annotated: 0, passed: 0, failed: 0, failureRate: null, byIntent: [], byCategory: [] },
  });
  const flush = () => new Promise((r) => setTimeout(r, 0));
  // One request is in flight at a time, so the one answered is always the last sent.
  const resolveNext = async () => {
    const p = pending.shift();
    if (!p) throw new Error('nothing in flight');
    p.resolve(answer(sent.at(-1) as AnnotationRequest));
    await flush();
  };
  const rejectNext = async (message: string) => {
    pending.shift()?.reject(new Error(message));
    await flush();
  };
  return { saver, sent, pending, events, resolveNext, rejectNext };
}

const note = (callId: string, text: string): AnnotationRequest => ({ sessionId: 's1', callId, note: text });

describe('AnnotationSaver', () => {
  it('sends the first change at once, without waiting for a pause', () => {
    const core = fakeCore();
    core.saver.save(note('c1', 't'));
    expect(core.sent).toEqual([note('c1', 't')]);
    expect(core.saver.busy).toBe(true);
  });

  it('keeps one request in flight and sends only the newest note typed meanwhile', async () => {
    const core = fakeCore();
    for (const text of ['t', 'to', 'too', 'tool', 'tool 3']) core.saver.save(note('c1', text));
    expect(core.sent.map((r) => r.note)).toEqual(['t']);
    await core.resolveNext();
    expect(core.sent.map((r) => r.note)).toEqual(['t', 'tool 3']);
    expect(core.events.filter((e) => e.startsWith('settled'))).toEqual([]);
    await core.resolveNext();
    expect(core.saver.busy).toBe(false);
    expect(core.events.at(-1)).toBe('settled c1 tool 3');
  });

  it('merges a verdict and a note made while a request is out, and keeps other calls apart', async () => {
    const core = fakeCore();
    core.saver.save({ sessionId: 's1', callId: 'c1', verdict: 'fail' });
    core.saver.save({ sessionId: 's1', callId: 'c2', verdict: 'pass' });
    core.saver.save({ sessionId: 's1', callId: 'c2', note: 'fine' });
    core.saver.save({ sessionId: 's1', callId: 'c2', categories: ['latency'] });
    await core.resolveNext();
    expect(core.sent[1]).toEqual({ sessionId: 's1', callId: 'c2', verdict: 'pass', note: 'fine', categories: ['latency'] });
    await core.resolveNext();
    expect(core.sent).toHaveLength(2);
  });

  it('goes on after a failure, but does not report everything saved when something was lost', async () => {
    const core = fakeCore();
    core.saver.save(note('c1', 'a'));
    core.saver.save(note('c1', 'ab'));
    await core.rejectNext('disk full');
    expect(core.events).toContain('failed disk full');
    expect(core.sent.map((r) => r.note)).toEqual(['a', 'ab']);
    await core.resolveNext();
    expect(core.events.some((e) => e.startsWith('settled'))).toBe(false);
    expect(core.saver.busy).toBe(false);

    core.saver.save(note('c1', 'abc'));
    await core.resolveNext();
    expect(core.events.at(-1)).toBe('settled c1 abc');
  });
});
