export function AlertStrip() {
  return <section className="panel" aria-label="Firing alerts" />;
}
