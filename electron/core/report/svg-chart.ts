/**
 * A line chart as an inline SVG string: the report must open with no network and no script, so
 * it draws its own axes, series and target line. Pure; values in, markup out.
 */

export interface ChartInput {
  title: string;
  points: readonly { t: number; v: number | null }[];
  from: number;
  to: number;
  target?: { value: number; kind: 'max' | 'min' } | null;
  format: (v: number) => string;
  /** Marks drawn as vertical lines: actions, alerts. */
  marks?: readonly { t: number; label: string }[];
}

const W = 720;
const H = 200;
const PAD = { left: 64, right: 12, top: 12, bottom: 28 };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function hourLabel(t: number): string {
  return new Date(t).toISOString().slice(11, 16);
}

function dayLabel(t: number): string {
  return new Date(t).toISOString().slice(5, 10);
}

export function lineChart(input: ChartInput): string {
  const { points, from, to, target } = input;
  const values = points.map((p) => p.v).filter((v): v is number => v !== null && Number.isFinite(v));
  const top = niceMax(Math.max(...values, target?.value ?? 0, 0) * 1.05);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const span = Math.max(1, to - from);
  const x = (t: number) => PAD.left + ((t - from) / span) * plotW;
  const y = (v: number) => PAD.top + plotH - (Math.min(v, top) / top) * plotH;
  const f1 = (n: number) => n.toFixed(1);

  // A point with no calls breaks the line rather than drawing a fall to zero.
  const runs: string[] = [];
  let run: string[] = [];
  for (const p of points) {
    if (p.v === null || !Number.isFinite(p.v)) {
      if (run.length > 0) runs.push(run.join(' '));
      run = [];
      continue;
    }
    run.push(`${f1(x(p.t))},${f1(y(p.v))}`);
  }
  if (run.length > 0) runs.push(run.join(' '));

  const grid: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const v = (top * i) / 4;
    grid.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${f1(y(v))}" y2="${f1(y(v))}" class="grid"/>` +
        `<text x="${PAD.left - 6}" y="${f1(y(v) + 4)}" text-anchor="end">${escapeXml(input.format(v))}</text>`,
    );
  }
  const hours = span / 3_600_000;
  const stepH = hours <= 6 ? 1 : hours <= 24 ? 4 : hours <= 72 ? 6 : 24;
  const step = stepH * 3_600_000;
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) {
    const label = new Date(t).getUTCHours() === 0 ? dayLabel(t) : hourLabel(t);
    grid.push(`<line x1="${f1(x(t))}" x2="${f1(x(t))}" y1="${PAD.top}" y2="${PAD.top + plotH}" class="grid"/><text x="${f1(x(t))}" y="${H - 8}" text-anchor="middle">${label}</text>`);
  }
  const marks = (input.marks ?? [])
    .filter((m) => m.t >= from && m.t <= to)
    .map((m) => `<line x1="${f1(x(m.t))}" x2="${f1(x(m.t))}" y1="${PAD.top}" y2="${PAD.top + plotH}" class="mark"><title>${escapeXml(m.label)}</title></line>`);
  const targetLine = target
    ? `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${f1(y(target.value))}" y2="${f1(y(target.value))}" class="target"/>` +
      `<text x="${W - PAD.right}" y="${f1(y(target.value) - 4)}" text-anchor="end" class="target-label">target ${target.kind === 'max' ? '≤' : '≥'} ${escapeXml(input.format(target.value))}</text>`
    : '';
  const lines = runs.map((r) => `<polyline points="${r}" class="series"/>`).join('');
  const empty = values.length === 0 ? `<text x="${W / 2}" y="${H / 2}" text-anchor="middle" class="empty">no calls in the span</text>` : '';
  return (
    `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeXml(input.title)}" xmlns="http://www.w3.org/2000/svg">` +
    `<title>${escapeXml(input.title)}</title>${grid.join('')}${marks.join('')}${targetLine}${lines}${empty}</svg>`
  );
}
