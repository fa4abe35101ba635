/** The report's stylesheet, inline in the document: light for reading on screen, paged for print. */
export const REPORT_STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f24; margin: 0 auto; max-width: 1100px; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; border-bottom: 2px solid #d0d7de; padding-bottom: 4px; margin-top: 32px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
header .span, header .made { margin: 2px 0; color: #444c56; }
.warning { background: #fff3cd; border: 1px solid #e0b400; padding: 6px 10px; }
nav ol { display: flex; flex-wrap: wrap; gap: 4px 16px; padding-left: 18px; margin: 10px 0; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 13px; }
th, td { border: 1px solid #d0d7de; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f3f5f7; }
td code { font-size: 11px; word-break: break-all; }
code { word-break: break-all; }
.ok { color: #116329; font-weight: 600; }
.bad { color: #b3261e; font-weight: 600; }
.muted, .empty-note { color: #6a737d; }
.decision { font-size: 16px; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 16px; }
figure { margin: 0; }
figcaption { font-size: 12px; color: #444c56; text-align: center; }
svg.chart { width: 100%; height: auto; font-size: 10px; fill: #444c56; }
svg.chart .grid { stroke: #e4e8ec; stroke-width: 1; }
svg.chart .series { fill: none; stroke: #1f6feb; stroke-width: 1.4; }
svg.chart .target { stroke: #b3261e; stroke-width: 1.2; stroke-dasharray: 6 4; }
svg.chart .target-label { fill: #b3261e; }
svg.chart .mark { stroke: #8250df; stroke-width: 1; stroke-opacity: 0.6; }
article.review { border-left: 3px solid #d0d7de; padding-left: 10px; margin: 12px 0; }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { max-width: none; padding: 0; font-size: 11px; }
  nav { display: none; }
  h2 { break-after: avoid; margin-top: 18px; }
  section { break-before: auto; }
  #kpis, #actions, #reviews, #records { break-before: page; }
  figure, article.review { break-inside: avoid; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
`;
