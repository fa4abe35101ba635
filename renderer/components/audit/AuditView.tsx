import { Fragment, useCallback, useEffect, useRef, useState } from 'react';
import { AUDIT_ENTRY_TYPES, type AuditEntry, type AuditEntryType, type AuditVerifyResult } from '../../../shared/audit.js';
import { selectAuditOpened } from '../../state/emergency.js';
import { useConsole } from '../../state/store.js';
import { selectAuditRevision } from '../../state/team.js';
import { operatorZone, Time } from '../common/Time.js';
import './audit.css';
import { errorText, invoke } from '../../bridge/invoke.js';
import { ReportButtons } from './ReportButtons.js';

/** Newest entries shown; the export covers the whole file. */
const SHOWN = 500;
/**
 * New entries (actions, handovers, reviews, by anyone) appear without a reload: at once when the
 * snapshot's audit counter moves.
 */
/** Typing in a filter waits this long before asking the core. */
const TYPING_MS = 250;

interface Filter {
  type: AuditEntryType | '';
  operator: string;
  text: string;
}

function query(f: Filter) {
  return {
    ...(f.type ? { type: f.type } : {}),
    ...(f.operator.trim() ? { operator: f.operator.trim() } : {}),
    ...(f.text.trim() ? { text: f.text.trim() } : {}),
  };
}

/** The audit log: who did what, when and why, filterable and exportable. */
export function AuditView() {
  const opened = useConsole(selectAuditOpened);
  const zone = operatorZone();
  const [filter, setFilter] = useState<Filter>({ type: '', operator: '', text: '' });
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<Set<number>>(new Set());
  const revision = useConsole(selectAuditRevision);

  // Only the newest read's answer is shown: one overtaken by a later read (a new filter, a new entry) is dropped.
  const filterNow = useRef(filter);
  filterNow.current = filter;
  const latest = useRef(0);
  const load = useCallback(() => {
    const mine = ++latest.current;
    invoke('audit:list', { ...query(filterNow.current), limit: SHOWN }).then(
      (list) => {
        if (mine !== latest.current) return;
        setEntries([...list].reverse());
        setError(null);
      },
      (e: unknown) => mine === latest.current && setError(errorText(e)),
    );
  }, []);

  useEffect(() => {
    const first = setTimeout(load, TYPING_MS);
    return () => {
      latest.current += 1;
      clearTimeout(first);
    };
  }, [filter, load]);
  useEffect(() => {
    if (revision !== null) load();
  }, [revision, load]);

  const toggle = (seq: number) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(seq)) next.delete(seq);
      else next.add(seq);
      return next;
    });

  return (
    <section className="panel audit" aria-label="Audit log">
      <div className="audit-head">
        <h2>Audit log</h2>
        {opened && <ChainStatus opened={opened} />}
      </div>
      <div className="audit-filters" role="search" aria-label="Filter the audit log">
        <label>
          Type
          <select value={filter.type} onChange={(e) => setFilter({ ...filter, type: e.target.value as Filter['type'] })}>
            <option value="">all types</option>
            {AUDIT_ENTRY_TYPES.map((t) => (
              <option key={t} value={t}>
                {t.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </label>
        <label>
          Operator
          <input value={filter.operator} placeholder="exact name" onChange={(e) => setFilter({ ...filter, operator: e.target.value })} />
        </label>
        <label>
          Search
          <input value={filter.text} placeholder="words in summary or data" onChange={(e) => setFilter({ ...filter, text: e.target.value })} />
        </label>
        <ExportButtons filter={filter} />
        <ReportButtons />
      </div>
      {error && (
        <p className="audit-bad" role="alert">
          {error}
        </p>
      )}
      {entries === null ? (
        <p className="muted">Loading…</p>
      ) : entries.length === 0 ? (
        <p className="muted">{Object.keys(query(filter)).length > 0 ? 'No entry matches these filters.' : 'No entries yet.'}</p>
      ) : (
        <>
          <p className="muted audit-count">
            {entries.length === SHOWN ? `Newest ${SHOWN} matching entries` : `${entries.length} matching entries`}, newest first ·
            times in {zone === 'UTC' ? 'UTC' : `${zone}, UTC on hover`}
          </p>
          <table className="audit-table" aria-label="Audit entries">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Time</th>
                <th scope="col">Type</th>
                <th scope="col">Operator</th>
                <th scope="col">Summary</th>
                <th scope="col">
                  <span className="visually-hidden">Details</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <Fragment key={e.seq}>
                  <tr className={`audit-row audit-${e.type}`}>
                    <td>{e.seq}</td>
                    <td className="audit-time">
                      <Time ms={Date.parse(e.ts)} seconds />
                    </td>
                    <td>{e.type.replace(/_/g, ' ')}</td>
                    <td>{e.operator}</td>
                    <td>{e.summary}</td>
                    <td>
                      <button
                        className="audit-more"
                        aria-expanded={open.has(e.seq)}
                        aria-label={`Details of entry ${e.seq}`}
                        onClick={() => toggle(e.seq)}
                      >
                        {open.has(e.seq) ? 'Hide' : 'Data'}
                      </button>
                    </td>
                  </tr>
                  {open.has(e.seq) && (
                    <tr className="audit-detail">
                      <td colSpan={6}>
                        <pre aria-label={`Data of entry ${e.seq}`}>{JSON.stringify(e.data, null, 2)}</pre>
                        <p className="muted">
                          hash {e.hash} · previous {e.prevHash}
                        </p>
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function ChainStatus({ opened }: { opened: AuditVerifyResult }) {
  const torn = opened.tornLines.length;
  if (!opened.ok) {
    return (
      <p className="audit-chain audit-bad" role="status" aria-label="Audit chain check">
        Chain BROKEN at line {opened.firstBadLine ?? '?'} when the console opened the log: {opened.reason ?? 'unknown reason'}.
        Entries after it cannot be trusted.
      </p>
    );
  }
  const what = opened.entries === 0 ? 'the log was new' : `${opened.entries} ${opened.entries === 1 ? 'entry' : 'entries'} intact`;
  return (
    <p className="audit-chain audit-ok" role="status" aria-label="Audit chain check">
      Chain verified when the console opened the log: {what}
      {torn > 0 ? ` (${torn} line${torn === 1 ? '' : 's'} torn by an earlier crash skipped)` : ''}
    </p>
  );
}

function ExportButtons({ filter }: { filter: Filter }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const save = (format: 'jsonl' | 'csv') => {
    setBusy(true);
    setProblem(null);
    invoke('audit:export', { format, ...query(filter) })
      .then(
        (file) => {
          const url = URL.createObjectURL(new Blob([file.content], { type: file.mimeType }));
          const a = document.createElement('a');
          a.href = url;
          a.download = file.fileName;
          document.body.append(a);
          a.click();
          a.remove();
          // The download has its own copy once started; the next task can let the blob go.
          setTimeout(() => URL.revokeObjectURL(url), 0);
        },
        (e: unknown) => setProblem(errorText(e)),
      )
      .finally(() => setBusy(false));
  };
  return (
    <div className="audit-export">
      <button disabled={busy} onClick={() => save('jsonl')}>
        Export JSONL
      </button>
      <button disabled={busy} onClick={() => save('csv')}>
        Export CSV
      </button>
      {problem && (
        <span className="audit-bad" role="alert">
          {problem}
        </span>
      )}
    </div>
  );
}
