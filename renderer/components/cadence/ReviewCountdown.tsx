export function ReviewCountdown() {
  return <section className="panel" aria-label="Next review" />;
}
