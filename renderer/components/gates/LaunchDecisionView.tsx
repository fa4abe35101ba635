import { useState, type FormEvent } from 'react';
import type { ExportFile } from '../../../shared/bridge.js';
import { GATE_STATUS_TEXT, type GateRow } from '../../../shared/gates.js';
import { useInvoke } from '../../bridge/use-invoke.js';
import { selectGateMode, selectGateRows, selectGatesProblem, selectGoBlockers, selectLastDecision } from '../../state/gates.js';
import { useConsole } from '../../state/store.js';
import { refused, useRefusal } from '../team/use-refusal.js';
import { Time } from '../common/Time.js';
import { RehearsalPanel } from './RehearsalPanel.js';
import '../rollout/rollout.css';
import './gates.css';

/** The six launch gates in one table, the go / no-go decision below it, and rollback rehearsals. */
export function LaunchDecisionView() {
  const rows = useConsole(selectGateRows);
  const problem = useConsole(selectGatesProblem);
  if (!rows) return null;
  return (
    <div className="decision-view">
      <ModeBar />
      <table className="gates-table" aria-label="Launch gates">
        <thead>
          <tr>
            <th scope="col">Gate</th>
            <th scope="col">Checklist</th>
            <th scope="col">Owner</th>
            <th scope="col">Evidence</th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <GateRowView key={row.id} row={row} />
          ))}
        </tbody>
      </table>
      {problem && <p className="form-error">{problem}</p>}
      <DecisionBar />
      <RehearsalPanel />
    </div>
  );
}

function ModeBar() {
  const mode = useConsole(selectGateMode);
  const [reason, setReason] = useState('');
  const { invoke, error, busy } = useInvoke();
  const refusal = useRefusal('gates:set-mode');
  if (!mode) return null;
  return (
    <div className="gate-mode">
      {mode.mode === 'all' ? (
        <form
          aria-label="Use the three minimum gates"
          onSubmit={(e) => {
            e.preventDefault();
            void invoke('gates:set-mode', { mode: 'minimum', reason });
          }}
        >
          <span>All six gates.</span>
          <input aria-label="Reason for the three minimum gates" placeholder="why functional, monitoring and rollback are enough" value={reason} onChange={(e) => setReason(e.target.value)} />
          <button type="submit" {...refused(refusal, busy || reason.trim() === '')}>
            Use the three minimum gates
          </button>
        </form>
      ) : (
        <p>
          Three minimum gates (functional, monitoring, rollback), chosen by {mode.by}: {mode.reason}{' '}
          <button {...refused(refusal, busy)} onClick={() => void invoke('gates:set-mode', { mode: 'all' })}>
            Back to all six
          </button>
        </p>
      )}
      {error && <p className="form-error">{error}</p>}
    </div>
  );
}

function GateRowView({ row }: { row: GateRow }) {
  const { invoke, error } = useInvoke();
  const tickRefusal = useRefusal('gates:tick');
  const title = row.definition.title;
  return (
    <tr aria-label={`${title} gate`} className={`gate-row gate-${row.status}`}>
      <th scope="row">
        {title}
        <span className="gate-question">{row.definition.question}</span>
        <span className="gate-signal muted">Signal: {row.definition.signal}</span>
      </th>
      <td>
        <ul className="gate-items">
          {row.items.map((item, index) => (
            <li key={item.text}>
              <label title={tickRefusal ?? (item.source ? `Filled by the console from ${item.source}` : undefined)}>
                <input
                  type="checkbox"
                  checked={item.done}
                  {...refused(tickRefusal, row.status === 'not-required' || (item.by === 'console' && item.source !== null))}
                  onChange={(e) => void invoke('gates:tick', { gate: row.id, index, done: e.target.checked })}
                />
                {item.text}
                {item.by && <span className="muted"> · {item.by === 'console' ? `console (${item.source})` : item.by}</span>}
              </label>
            </li>
          ))}
        </ul>
        {error && <p className="form-error">{error}</p>}
      </td>
      <td>
        <Owner row={row} />
      </td>
      <td>
        <Evidence row={row} />
      </td>
      <td>
        <Result row={row} />
      </td>
    </tr>
  );
}

function Owner({ row }: { row: GateRow }) {
  const [name, setName] = useState('');
  const { invoke, error, busy } = useInvoke();
  const refusal = useRefusal('gates:set-owner');
  return (
    <div className="gate-owner">
      <strong>{row.owner ?? <span className="muted">No owner</span>}</strong>
      <form
        aria-label={`${row.definition.title} gate owner`}
        onSubmit={(e) => {
          e.preventDefault();
          void invoke('gates:set-owner', { gate: row.id, name }).then((v) => v && setName(''));
        }}
      >
        <input aria-label="Owner's name" placeholder="a named person" value={name} onChange={(e) => setName(e.target.value)} />
        <button type="submit" {...refused(refusal, busy || name.trim() === '')}>
          {row.owner ? 'Change' : 'Set'}
        </button>
      </form>
      {error && <p className="form-error">{error}</p>}
    </div>
  );
}

async function sha256Hex(file: File): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function Evidence({ row }: { row: GateRow }) {
  const [url, setUrl] = useState('');
  const { invoke, error, busy } = useInvoke();
  const refusal = useRefusal('gates:add-evidence');
  const addLink = (e: FormEvent) => {
    e.preventDefault();
    void invoke('gates:add-evidence', { gate: row.id, evidence: { kind: 'link', url } }).then((v) => v && setUrl(''));
  };
  const addFile = async (file: File | undefined) => {
    if (!file) return;
    const sha256 = await sha256Hex(file);
    await invoke('gates:add-evidence', { gate: row.id, evidence: { kind: 'file', name: file.name, size: file.size, sha256 } });
  };
  return (
    <div className="gate-evidence">
      {row.facts.length > 0 && (
        <ul className="gate-facts" aria-label={`${row.definition.title} figures from the console`}>
          {row.facts.map((f) => (
            <li key={f.label} className={f.ok === false ? 'fact-bad' : f.ok ? 'fact-ok' : ''}>
              <strong>{f.label}</strong>: {f.value} <span className="muted">from {f.source}</span>
            </li>
          ))}
        </ul>
      )}
      {row.evidence.length > 0 && (
        <ul className="gate-attached">
          {row.evidence.map((e, i) => (
            <li key={i}>
              {e.kind === 'link' ? (
                <a href={e.url} target="_blank" rel="noreferrer noopener">
                  {e.label ?? e.url}
                </a>
              ) : (
                <span title={`sha256 ${e.sha256}`}>
                  {e.name} <span className="muted">({e.size} bytes, sha256 {e.sha256.slice(0, 12)}…)</span>
                </span>
              )}
              <span className="muted"> · {e.addedBy}</span>
            </li>
          ))}
        </ul>
      )}
      <form className="evidence-form" aria-label={`${row.definition.title} evidence`} onSubmit={addLink}>
        <input aria-label="Evidence link" placeholder="https://…" value={url} onChange={(e) => setUrl(e.target.value)} />
        <button type="submit" {...refused(refusal, busy || url.trim() === '')}>
          Add link
        </button>
        <label className="file-button" title={refusal ?? undefined}>
          Attach file
          <input type="file" disabled={refusal !== null} aria-label={`Attach a file to the ${row.definition.title} gate`} onChange={(e) => void addFile(e.target.files?.[0])} />
        </label>
      </form>
      {error && <p className="form-error">{error}</p>}
    </div>
  );
}

function Result({ row }: { row: GateRow }) {
  const [why, setWhy] = useState('');
  const { invoke, error, busy } = useInvoke();
  const resultRefusal = useRefusal('gates:set-result');
  const riskRefusal = useRefusal('gates:accept-risk');
  return (
    <div className="gate-result">
      <span className={`gate-status gate-status-${row.status}`}>{GATE_STATUS_TEXT[row.status]}</span>
      <ul className="gate-reasons">
        {row.reasons.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
      {row.result && (
        <p className="muted">
          {row.result.result === 'pass' ? 'Passed' : 'Failed'} by {row.result.by}, <Time ms={row.result.at} form="day" />
        </p>
      )}
      {row.status !== 'not-required' && (
        <div className="gate-buttons">
          <button {...refused(resultRefusal, busy)} onClick={() => void invoke('gates:set-result', { gate: row.id, result: 'pass' })}>
            Pass
          </button>
          <button {...refused(resultRefusal, busy)} onClick={() => void invoke('gates:set-result', { gate: row.id, result: 'fail' })}>
            Fail
          </button>
        </div>
      )}
      {row.risk ? (
        <p>
          Risk accepted by {row.risk.by}, <Time ms={row.risk.at} form="day" />: {row.risk.why}{' '}
          <button className="link" {...refused(riskRefusal, busy)} onClick={() => void invoke('gates:accept-risk', { gate: row.id, why: null })}>
            Withdraw
          </button>
        </p>
      ) : (
        row.blocksGo && (
          <form
            aria-label={`Accept the ${row.definition.title} gate's risk`}
            onSubmit={(e) => {
              e.preventDefault();
              void invoke('gates:accept-risk', { gate: row.id, why }).then((v) => v && setWhy(''));
            }}
          >
            <input aria-label="Why the risk is accepted" placeholder="why this risk is acceptable" value={why} onChange={(e) => setWhy(e.target.value)} />
            <button type="submit" {...refused(riskRefusal, busy || why.trim() === '')}>
              Accept risk
            </button>
          </form>
        )
      )}
      {error && <p className="form-error">{error}</p>}
    </div>
  );
}

function download(file: ExportFile): void {
  const url = URL.createObjectURL(new Blob([file.content], { type: file.mimeType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

function DecisionBar() {
  const blockers = useConsole(selectGoBlockers);
  const last = useConsole(selectLastDecision);
  const note = useConsole((s) => s.decisionNote);
  const setNote = useConsole((s) => s.setDecisionNote);
  const { invoke, error, busy } = useInvoke();
  const refusal = useRefusal('gates:decide');
  const decide = (decision: 'go' | 'no-go') => void invoke('gates:decide', { decision, note: note || undefined }).then((v) => v && setNote(''));
  const exportAs = (format: 'json' | 'html') => void invoke('gates:export', { format }).then((f) => f && download(f));
  return (
    <section className="panel decision-bar" aria-label="Decision">
      <h2>Decision</h2>
      {last && (
        <p className={`last-decision decision-${last.decision}`} role="status">
          <strong>{last.decision === 'go' ? 'GO' : 'NO-GO'}</strong> decided by {last.by}, <Time ms={last.at} /> {last.note && `: ${last.note}`}{' '}
          <span className="muted">(frozen in audit entry #{last.auditSeq})</span>
        </p>
      )}
      {blockers && blockers.length > 0 ? (
        <div>
          <p>"Go" is blocked by {blockers.length} {blockers.length === 1 ? 'gate' : 'gates'}:</p>
          <ul className="go-blockers">
            {blockers.map((b) => (
              <li key={b}>{b}</li>
            ))}
          </ul>
        </div>
      ) : (
        <p>Every gate holds: "go" can be taken.</p>
      )}
      <div className="decision-buttons">
        <input aria-label="Decision note" placeholder="note (optional)" value={note} onChange={(e) => setNote(e.target.value)} />
        <button className="primary" {...refused(refusal, busy || (blockers?.length ?? 1) > 0)} onClick={() => decide('go')}>
          Decide GO
        </button>
        <button {...refused(refusal, busy)} onClick={() => decide('no-go')}>
          Decide NO-GO
        </button>
        <button disabled={busy} onClick={() => exportAs('json')}>
          Export JSON
        </button>
        <button disabled={busy} onClick={() => exportAs('html')}>
          Printable page
        </button>
      </div>
      {error && <p className="form-error">{error}</p>}
    </section>
  );
}
