export function SamplingView() {
  return <section className="panel" aria-label="Call sampling" />;
}
