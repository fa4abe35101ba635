export function AlertsView() {
  return <section className="panel" aria-label="Alerts" />;
}
