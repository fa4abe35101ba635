import { KPIS, LAYERS, kpiStatus, type KpiId, type KpiStatus, type Layer, type WindowStats } from '../../shared/kpi.js';
import { formatKpiValue, formatTarget } from '../../shared/format.js';

const LAYER_KPIS: Record<Layer, KpiId[]> = {
  connection: ['callRate', 'failedConnectionRate'],
  execution: ['toolSuccess', 'modelErrorRate', 'agentErrorRate', 'ttsFailures'],
  experience: ['turnLatencyP95', 'turnLatencyP50', 'timeToFirstWordP95', 'interruptionRate'],
  outcome: ['taskCompletion', 'containment', 'escalationCorrectness', 'fallbackRate'],
  safety: ['piiEvents', 'policyViolations', 'injectionFlags'],
};

const LAYER_TITLE: Record<Layer, string> = {
  connection: 'Connection',
  execution: 'Execution',
  experience: 'Experience',
  outcome: 'Outcome',
  safety: 'Safety',
};

const RANK: Record<KpiStatus, number> = { ok: 0, unknown: 1, warn: 2, bad: 3 };

function worstStatus(statuses: KpiStatus[]): KpiStatus {
  return statuses.reduce<KpiStatus>((w, s) => (RANK[s] > RANK[w] ? s : w), 'ok');
}

export function LayerTiles({ stats, live }: { stats: WindowStats | null; live: boolean }) {
  return (
    <section className="tiles" aria-label="Monitoring layers">
      {LAYERS.map((layer) => {
        const rows = LAYER_KPIS[layer].map((id) => {
          const value = stats ? stats.kpis[id] : null;
          return { id, value, status: live ? kpiStatus(KPIS[id], value) : ('unknown' as KpiStatus) };
        });
        const status = live ? worstStatus(rows.map((r) => r.status)) : 'unknown';
        return (
          <article key={layer} className={`tile status-${status}`} aria-label={`${LAYER_TITLE[layer]} layer`}>
            <h2>{LAYER_TITLE[layer]}</h2>
            {rows.map(({ id, value, status: s }, i) => (
              <div
                key={id}
                role="group"
                aria-label={KPIS[id].label}
                className={`kpi ${i === 0 ? 'kpi-primary' : ''} status-${s}`}
                data-status={s}
              >
                <span className="kpi-label">{KPIS[id].label}</span>
                <span className="kpi-value" data-testid={`kpi-${id}`}>
                  {formatKpiValue(KPIS[id], value)}
                </span>
                <span className="kpi-target">{formatTarget(KPIS[id], KPIS[id].target)}</span>
              </div>
            ))}
          </article>
        );
      })}
    </section>
  );
}
