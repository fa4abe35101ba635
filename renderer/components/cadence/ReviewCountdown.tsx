import { countdown } from '../../../shared/time-format.js';
import { selectCadence } from '../../state/cadence.js';
import { useConsole } from '../../state/store.js';
import { dueIn, reviewName, urgency } from '../../../shared/review-text.js';
import './cadence.css';

/** The next review and the time to it, in the top bar on every screen; a click opens it on the Reviews tab. */
export function ReviewCountdown() {
  const cadence = useConsole(selectCadence);
  const setView = useConsole((s) => s.setView);
  const select = useConsole((s) => s.selectReview);
  if (!cadence) return null;
  const next = cadence.reviews.find((r) => r.review.id === cadence.nextReviewId);

  let text: string;
  let level = 'calm';
  if (cadence.clock?.t0 == null) text = 'Reviews start with the first live call';
  else if (!next) text = 'All reviews of the first 48 hours done';
  else {
    const { review, status } = next;
    text =
      status === 'in_progress'
        ? `${reviewName(review)} in progress, ${dueIn(cadence.now, review.dueAt)}`
        : `${reviewName(review)} ${countdown(cadence.now, review.dueAt).text}`;
    level = urgency(review.dueAt, cadence.now);
  }

  return (
    <section className="review-countdown" aria-label="Next review" data-urgency={level}>
      <button
        className={`countdown-button urgency-${level}`}
        title={next ? 'Open this review on the Reviews tab' : 'Open the Reviews tab'}
        onClick={() => {
          select(next?.review.id ?? null);
          setView('reviews');
        }}
      >
        <span className="countdown-label">Next review</span>
        <strong>{text}</strong>
      </button>
    </section>
  );
}
