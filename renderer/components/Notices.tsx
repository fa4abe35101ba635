import { useConsole } from '../state/store.js';

/** In-app toasts for notifications, beside the system ones, so a muted laptop still shows them. */
export function Notices() {
  const notices = useConsole((s) => s.notices);
  const dismiss = useConsole((s) => s.dismissNotice);
  if (notices.length === 0) return null;
  return (
    <div className="notices" aria-label="Notifications">
      {notices.map((n) => (
        <div key={n.id} role="alert" className={`notice notice-${n.severity}`}>
          <strong>{n.title}</strong>
          <span>{n.body}</span>
          <button aria-label={`Dismiss ${n.title}`} onClick={() => dismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
