export function ShiftOwnerBadge() {
  return <section className="panel" aria-label="Shift owner" />;
}
