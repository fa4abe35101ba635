import { useState } from 'react';
import type { BridgeRequest } from '../../../shared/bridge.js';
import { invoke } from '../../bridge/invoke.js';
import { refused, useRefusal } from '../team/use-refusal.js';

type Kind = BridgeRequest<'sampling:export'>['kind'];

const EXPORTS: { kind: Kind; label: string }[] = [
  { kind: 'annotations-csv', label: 'Annotations (CSV)' },
  { kind: 'annotations-json', label: 'Annotations (JSON)' },
  { kind: 'regression-cases', label: 'Regression cases (JSON)' },
];

/** Downloads an export made by the core; personal data is masked unless the reviewer opts in (audited). */
export function ExportPanel({ sessionId }: { sessionId: string }) {
  const [unmasked, setUnmasked] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const refusal = useRefusal('sampling:export');

  const download = async (kind: Kind) => {
    setMessage(null);
    try {
      const file = await invoke('sampling:export', { sessionId, kind, unmasked });
      const url = URL.createObjectURL(new Blob([file.content], { type: file.mimeType }));
      const a = document.createElement('a');
      a.href = url;
      a.download = file.fileName;
      a.click();
      // The click has handed the Blob to the download; the URL is released once that has started.
      setTimeout(() => URL.revokeObjectURL(url), 1000);
      setMessage({ error: false, text: `Saved ${file.fileName}` });
    } catch (e) {
      setMessage({ error: true, text: (e as Error).message });
    }
  };

  return (
    <section className="panel exports" aria-label="Export">
      <h2>Export</h2>
      <div className="export-buttons">
        {EXPORTS.map((x) => (
          <button key={x.kind} {...refused(refusal)} onClick={() => void download(x.kind)}>
            {x.label}
          </button>
        ))}
      </div>
      <label className="inline">
        <input type="checkbox" checked={unmasked} {...refused(refusal)} onChange={(e) => setUnmasked(e.target.checked)} />
        Include personal data <span className="muted hint">(recorded in the audit log)</span>
      </label>
      {message && (
        <p role={message.error ? 'alert' : 'status'} className={message.error ? 'sampling-error' : 'muted'}>
          {message.text}
        </p>
      )}
    </section>
  );
}
