import type { AnnotationSaved } from '../../../shared/bridge.js';
import type { Annotation } from '../../../shared/sampling.js';
import { OneInFlightSaver, type SaverEvents } from '../common/one-in-flight-saver.js';

export type AnnotationChange = Partial<Pick<Annotation, 'verdict' | 'categories' | 'note'>>;
export type AnnotationRequest = AnnotationChange & { sessionId: string; callId: string };
export type AnnotationSaverEvents = SaverEvents<AnnotationSaved>;

/** Annotation changes, saved as they are made, merged per call while one request is in flight. */
export class AnnotationSaver extends OneInFlightSaver<AnnotationRequest, AnnotationSaved> {
  constructor(send: (request: AnnotationRequest) => Promise<AnnotationSaved>, events: AnnotationSaverEvents) {
    super((r) => `${r.sessionId}\u0000${r.callId}`, send, events);
  }
}
