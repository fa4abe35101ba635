export function AuditView() {
  return <section className="panel" aria-label="Audit log" />;
}
