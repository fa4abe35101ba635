import type { ExportFile } from '../../../shared/bridge.js';
import { GATE_STATUS_TEXT, type GateRow, type LaunchDecision } from '../../../shared/gates.js';
import { slug } from '../lib/slug.js';

/** The launch decision as a file: JSON for the record, and a page that prints on its own. */

export interface DecisionDocument {
  launchName: string;
  /** The decision taken, or null for the table as it stands now. */
  decision: LaunchDecision | null;
  rows: GateRow[];
  exportedAt: number;
  exportedBy: string | null;
}

export function decisionJson(doc: DecisionDocument): ExportFile {
  return {
    fileName: `${slug(doc.launchName, 'launch')}-launch-decision.json`,
    mimeType: 'application/json',
    content: `${JSON.stringify(doc, null, 2)}\n`,
  };
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const utc = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

function evidenceHtml(row: GateRow): string {
  const parts = row.evidence.map((e) =>
    e.kind === 'link'
      ? `<li>Link: ${esc(e.label ?? e.url)} &lt;${esc(e.url)}&gt; (${esc(e.addedBy)})</li>`
      : `<li>File: ${esc(e.name)}, ${e.size} bytes, sha256 <code>${e.sha256}</code> (${esc(e.addedBy)})</li>`,
  );
  for (const f of row.facts) parts.push(`<li>${esc(f.label)}: ${esc(f.value)} <i>(from ${esc(f.source)})</i>${f.ok === false ? ' ✗' : f.ok ? ' ✓' : ''}</li>`);
  return parts.length > 0 ? `<ul>${parts.join('')}</ul>` : '<p>None</p>';
}

export function decisionHtml(doc: DecisionDocument): ExportFile {
  const d = doc.decision;
  const heading = d
    ? `${d.decision === 'go' ? 'GO' : 'NO-GO'} decided by ${esc(d.by)} at ${utc(d.at)}${d.note ? `: ${esc(d.note)}` : ''}`
    : 'No decision taken yet: the table as it stands';
  const mode = d?.mode ?? null;
  const rows = doc.rows
    .map(
      (r) => `<tr>
<th scope="row">${esc(r.definition.title)}<br><small>${esc(r.definition.question)}</small></th>
<td><ul>${r.items.map((i) => `<li>${i.done ? '☑' : '☐'} ${esc(i.text)}${i.by ? ` <small>(${esc(i.by)})</small>` : ''}</li>`).join('')}</ul></td>
<td>${esc(r.owner ?? 'none')}</td>
<td>${evidenceHtml(r)}</td>
<td><b>${GATE_STATUS_TEXT[r.status]}</b>${r.risk ? `<br>Risk accepted by ${esc(r.risk.by)} at ${utc(r.risk.at)}: ${esc(r.risk.why)}` : ''}<br><small>${r.reasons.map(esc).join('<br>')}</small></td>
</tr>`,
    )
    .join('\n');
  const content = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(doc.launchName)}: launch decision</title>
<style>
body{font:13px/1.4 system-ui,sans-serif;margin:24px;color:#111}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:6px;vertical-align:top;text-align:left}
ul{margin:0;padding-left:16px}small{color:#444}
@media print{body{margin:0}tr{break-inside:avoid}}
</style></head><body>
<h1>${esc(doc.launchName)}: launch decision</h1>
<p><b>${heading}</b></p>
${mode && mode.mode === 'minimum' ? `<p>Three minimum gates only, chosen by ${esc(mode.by ?? '')}: ${esc(mode.reason ?? '')}</p>` : ''}
<table><thead><tr><th>Gate</th><th>Checklist</th><th>Owner</th><th>Evidence</th><th>Result</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<p><small>Exported ${utc(doc.exportedAt)}${doc.exportedBy ? ` by ${esc(doc.exportedBy)}` : ''}${d ? `; frozen in audit entry #${d.auditSeq}` : ''}.</small></p>
</body></html>
`;
  return { fileName: `${slug(doc.launchName, 'launch')}-launch-decision.html`, mimeType: 'text/html', content };
}
