import { useState } from 'react';
import { errorText, invoke } from '../../bridge/invoke.js';

function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own copy once started; the next task can let the blob go.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * The browser's print dialog over the report (Save as PDF is one of its printers). A srcdoc frame
 * is used because the page's CSP allows no blob: frame; the report has no script to run in it.
 */
function printInBrowser(html: string): void {
  const frame = document.createElement('iframe');
  frame.title = 'Launch report for printing';
  frame.style.cssText = 'position:fixed;width:0;height:0;border:0;visibility:hidden';
  frame.addEventListener('load', () => {
    frame.contentWindow?.print();
    setTimeout(() => frame.remove(), 60_000);
  });
  frame.srcdoc = html;
  document.body.append(frame);
}

/** The launch report from T0 to now: the HTML file, and a PDF (the desktop app's own, or the browser's print dialog). */
export function ReportButtons() {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const run = (work: () => Promise<void>) => {
    setBusy(true);
    setProblem(null);
    work()
      .catch((e: unknown) => setProblem(errorText(e)))
      .finally(() => setBusy(false));
  };
  const saveHtml = () =>
    run(async () => {
      const file = await invoke('report:build', {});
      download(new Blob([file.content], { type: file.mimeType }), file.fileName);
    });
  const savePdf = () =>
    run(async () => {
      let pdf;
      try {
        pdf = await invoke('report:pdf', {});
      } catch {
        // Only the desktop app prints here; in a browser its own print dialog makes the PDF.
        printInBrowser((await invoke('report:build', {})).content);
        return;
      }
      const bytes = Uint8Array.from(atob(pdf.base64), (c) => c.charCodeAt(0));
      download(new Blob([bytes], { type: pdf.mimeType }), pdf.fileName);
    });
  return (
    <div className="audit-export" role="group" aria-label="Launch report">
      <button disabled={busy} onClick={saveHtml}>
        Launch report
      </button>
      <button disabled={busy} onClick={savePdf}>
        Report PDF
      </button>
      {busy && <span aria-live="polite">Building the report…</span>}
      {problem && (
        <span className="audit-bad" role="alert">
          {problem}
        </span>
      )}
    </div>
  );
}
