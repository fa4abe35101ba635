import type { ReviewView } from '../../../shared/console-state.js';
import { decisionTitle, reviewName, shortStatusText, urgency } from '../../../shared/review-text.js';
import { Time } from '../common/Time.js';
import { useConsole } from '../../state/store.js';
import { useInvoke } from '../../bridge/use-invoke.js';
import { refused, useRefusal } from '../team/use-refusal.js';

/** The whole 48 hours on one screen: every review, when it is due, what was done, when and by whom. */
export function ReviewTimeline({
  reviews,
  now,
  selectedId,
  onSelect,
}: {
  reviews: ReviewView[];
  now: number;
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  const { invoke, error, busy } = useInvoke();
  const refusal = useRefusal('review:open');
  const open = async (id: string) => {
    if (!(await invoke('review:open', { reviewId: id }))) return;
    useConsole.getState().dismissReviewNotices(id);
    onSelect(id);
  };
  return (
    <section className="panel timeline" aria-label="Review timeline">
      <h2>The first 48 hours</h2>
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
      <table className="timeline-table">
        <thead>
          <tr>
            <th scope="col">At</th>
            <th scope="col">Review</th>
            <th scope="col">Due</th>
            <th scope="col">Status</th>
            <th scope="col">Outcome</th>
            <th scope="col">
              <span className="visually-hidden">Action</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {reviews.map(({ review, status, record }) => {
            const name = reviewName(review);
            const level = status === 'done' ? 'done' : urgency(review.dueAt, now);
            return (
              <tr
                key={review.id}
                aria-label={`Review ${name}`}
                aria-selected={review.id === selectedId}
                className={`timeline-row status-${status} ${review.id === selectedId ? 'selected' : ''}`}
              >
                <td className="muted offset">T0+{review.offsetHours}h</td>
                <th scope="row">
                  <button className="link" onClick={() => onSelect(review.id)} aria-label={name}>
                    {review.label}
                  </button>
                </th>
                <td>
                  <Time ms={review.dueAt} form="day" />
                </td>
                <td>
                  <span className={`status-pill urgency-${level}`}>{shortStatusText(status, review.dueAt, now)}</span>
                </td>
                <td className="outcome">
                  {record?.completedAt ? (
                    <span>
                      <strong className={`decision-${record.decision ?? 'none'}`}>{record.decision ? decisionTitle(record.decision) : '—'}</strong>{' '}
                      <span className="muted who">
                        by {record.completedBy} · <Time ms={Date.parse(record.completedAt)} form="day" />
                      </span>
                    </span>
                  ) : record ? (
                    <span className="muted">opened by {record.openedBy}</span>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td className="action">
                  {record ? (
                    <button onClick={() => onSelect(review.id)}>{status === 'done' ? 'View' : 'Continue'}</button>
                  ) : (
                    <button
                      {...refused(refusal, busy, 'Freezes the evidence as it stands now and opens the review form')}
                      onClick={() => void open(review.id)}
                    >
                      {status === 'upcoming' ? 'Open early' : 'Open review'}
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
