import { selectIntents } from '../../state/snapshot.js';
import { selectCadence } from '../../state/cadence.js';
import { useConsole } from '../../state/store.js';
import { KnownIssues } from './KnownIssues.js';
import { LaunchClockPanel } from './LaunchClockPanel.js';
import { ReviewForm } from './ReviewForm.js';
import { ReviewTimeline } from './ReviewTimeline.js';
import './cadence.css';

/** The Reviews tab: launch clock, the 48-hour timeline, the review at hand and the known issues, on one screen. */
export function ReviewsView() {
  const cadence = useConsole(selectCadence);
  const intents = useConsole(selectIntents);
  const selected = useConsole((s) => s.selectedReview);
  const select = useConsole((s) => s.selectReview);
  if (!cadence) return null;
  const shownId = selected ?? cadence.nextReviewId;
  const shown = cadence.reviews.find((r) => r.review.id === shownId) ?? null;
  return (
    <section className="reviews" aria-label="Reviews">
      {cadence.loadProblems.length > 0 && (
        <div className="banner banner-stale" role="alert">
          Some review records could not be read and were skipped (line {cadence.loadProblems.join('; line ')}). Everything else loaded.
        </div>
      )}
      <LaunchClockPanel clock={cadence.clock} now={cadence.now} />
      {cadence.reviews.length === 0 ? (
        <p className="panel muted">
          The review schedule starts at T0: the first live call sets it, or set it above. Reviews fall due at T0+1h, every 4 hours, and at the end of
          each day.
        </p>
      ) : (
        <div className="reviews-split">
          <ReviewTimeline reviews={cadence.reviews} now={cadence.now} selectedId={shownId} onSelect={select} />
          <div className="reviews-detail">
            {shown && <ReviewForm key={shown.review.id} view={shown} now={cadence.now} />}
          </div>
        </div>
      )}
      <KnownIssues issues={cadence.knownIssues} intents={intents ?? []} />
    </section>
  );
}
