export function EmergencyControls() {
  return <section className="panel" aria-label="Emergency controls" />;
}
