export function ReviewsView() {
  return <section className="panel" aria-label="Reviews" />;
}
