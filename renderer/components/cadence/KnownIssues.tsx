import { useState, type FormEvent } from 'react';
import { KnownIssueStatusSchema, type KnownIssue, type KnownIssueStatus } from '../../../shared/cadence.js';
import { Time } from '../common/Time.js';
import { useInvoke } from '../../bridge/use-invoke.js';
import { refused, useRefusal } from '../team/use-refusal.js';

const STATUS_TEXT: Record<KnownIssueStatus, string> = { open: 'Open', monitoring: 'Monitoring', fixed: 'Fixed' };

/** The short list the team keeps during the launch; editable whether or not a review is open. */
export function KnownIssues({ issues, intents }: { issues: KnownIssue[]; intents: string[] }) {
  const [editing, setEditing] = useState<KnownIssue | null>(null);
  const refusal = useRefusal('known-issue:upsert');
  return (
    <section className="panel known-issues" aria-label="Known issues">
      <h2>Known issues</h2>
      {issues.length === 0 ? (
        <p className="muted">None recorded yet.</p>
      ) : (
        <table className="issues-table">
          <thead>
            <tr>
              <th scope="col">Issue</th>
              <th scope="col">Intent</th>
              <th scope="col">First seen</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Edit</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {issues.map((issue) => (
              <tr key={issue.id} aria-label={`Known issue ${issue.id}`} className={`issue-${issue.status}`}>
                <th scope="row" title={issue.note}>
                  <span className="muted">{issue.id}</span> {issue.title}
                </th>
                <td>{issue.intent ?? '—'}</td>
                <td>
                  <Time ms={Date.parse(issue.firstSeen)} />
                </td>
                <td>
                  <span className={`issue-status issue-status-${issue.status}`}>{STATUS_TEXT[issue.status]}</span>
                </td>
                <td>
                  <button aria-label={`Edit ${issue.id}`} {...refused(refusal)} onClick={() => setEditing(issue)}>
                    Edit
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <IssueForm key={editing?.id ?? 'new'} issue={editing} intents={intents} onDone={() => setEditing(null)} />
    </section>
  );
}

function IssueForm({ issue, intents, onDone }: { issue: KnownIssue | null; intents: string[]; onDone: () => void }) {
  const [title, setTitle] = useState(issue?.title ?? '');
  const [intent, setIntent] = useState(issue?.intent ?? '');
  const [status, setStatus] = useState<KnownIssueStatus>(issue?.status ?? 'open');
  const [note, setNote] = useState(issue?.note ?? '');
  const { invoke, error, busy } = useInvoke();
  const refusal = useRefusal('known-issue:upsert');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const saved = await invoke('known-issue:upsert', {
      id: issue?.id,
      title,
      intent: intent || undefined,
      note: note.trim() ? note : undefined,
      status,
    });
    if (!saved) return;
    setTitle('');
    setIntent('');
    setNote('');
    setStatus('open');
    onDone();
  };
  return (
    <form className="issue-form" aria-label={issue ? `Edit known issue ${issue.id}` : 'New known issue'} onSubmit={(e) => void submit(e)}>
      <label className="issue-title">
        Issue title
        <input value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={300} />
      </label>
      <label>
        Issue intent
        <select value={intent} onChange={(e) => setIntent(e.target.value)}>
          <option value="">all / none</option>
          {[...new Set([...intents, ...(issue?.intent ? [issue.intent] : [])])].map((i) => (
            <option key={i} value={i}>
              {i}
            </option>
          ))}
        </select>
      </label>
      <label>
        Issue status
        <select value={status} onChange={(e) => setStatus(KnownIssueStatusSchema.parse(e.target.value))}>
          {KnownIssueStatusSchema.options.map((s) => (
            <option key={s} value={s}>
              {STATUS_TEXT[s]}
            </option>
          ))}
        </select>
      </label>
      <label className="issue-note">
        Issue note
        <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={4000} />
      </label>
      <div className="form-buttons">
        <button type="submit" {...refused(refusal, busy)}>
          {issue ? `Save ${issue.id}` : 'Add known issue'}
        </button>
        {issue && (
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        )}
      </div>
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
    </form>
  );
}
