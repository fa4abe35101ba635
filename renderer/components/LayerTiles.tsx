import { memo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatKpiValue, formatTarget } from '../../shared/format.js';
import { KPIS, LAYERS, kpiStatus, type KpiId, type KpiStatus, type Layer } from '../../shared/kpi.js';
import { selectKpiValues } from '../state/dashboard.js';
import { selectLive } from '../state/snapshot.js';
import { useConsole } from '../state/store.js';
import { useRenderCount } from './common/render-count.js';

/**
 * The figures the tiles show, each tile's headline first. Which tile a figure sits on is its
 * `layer` in the KPI catalogue; the tool-call failure rate is left out, being the complement of
 * the success rate shown beside it.
 */
const TILE_ORDER: readonly KpiId[] = [
  'callRate',
  'failedConnectionRate',
  'toolSuccess',
  'modelErrorRate',
  'agentErrorRate',
  'ttsFailures',
  'turnLatencyP95',
  'turnLatencyP50',
  'timeToFirstWordP95',
  'interruptionRate',
  'taskCompletion',
  'containment',
  'escalationCorrectness',
  'fallbackRate',
  'piiEvents',
  'policyViolations',
  'injectionFlags',
];

const TILE_KPIS = Object.fromEntries(LAYERS.map((layer) => [layer, TILE_ORDER.filter((id) => KPIS[id].layer === layer)])) as Record<
  Layer,
  KpiId[]
>;

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

export function LayerTiles() {
  return (
    <section className="tiles" aria-label="Monitoring layers">
      {LAYERS.map((layer) => (
        <LayerTile key={layer} layer={layer} />
      ))}
    </section>
  );
}

/** One tile, subscribed to its own figures only: a snapshot that leaves them unchanged does not render it. */
const LayerTile = memo(function LayerTile({ layer }: { layer: Layer }) {
  const ids = TILE_KPIS[layer];
  const values = useConsole(useShallow(selectKpiValues(ids)));
  const live = useConsole(selectLive);
  useRenderCount('kpiTiles');
  const rows = ids.map((id, i) => ({ id, value: values[i] ?? null, status: live ? kpiStatus(KPIS[id], values[i] ?? null) : ('unknown' as KpiStatus) }));
  const status = live ? worstStatus(rows.map((r) => r.status)) : 'unknown';
  return (
    <article className={`tile status-${status}`} aria-label={`${LAYER_TITLE[layer]} layer`}>
      <h2>{LAYER_TITLE[layer]}</h2>
      {rows.map(({ id, value, status: s }, i) => (
        <div key={id} role="group" aria-label={KPIS[id].label} className={`kpi ${i === 0 ? 'kpi-primary' : ''} status-${s}`} data-status={s}>
          <span className="kpi-label">{KPIS[id].label}</span>
          <span className="kpi-value" data-testid={`kpi-${id}`}>
            {formatKpiValue(KPIS[id], value)}
          </span>
          <span className="kpi-target">{formatTarget(KPIS[id], KPIS[id].target)}</span>
        </div>
      ))}
    </article>
  );
});
