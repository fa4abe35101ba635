/**
 * The relay's counters in the Prometheus text format (version 0.0.4), which the teams running
 * it already scrape. Label values are the relay's own words (platform names, outcomes, refusal
 * kinds), never anything a request sent, so a flood of odd requests cannot grow the output.
 */

type Labels = Record<string, string>;

interface Family {
  help: string;
  type: 'counter' | 'gauge';
  values: Map<string, number>;
}

export class Metrics {
  private readonly families = new Map<string, Family>();

  declare(name: string, type: Family['type'], help: string): void {
    this.families.set(name, { help, type, values: new Map() });
  }

  inc(name: string, labels: Labels = {}, by = 1): void {
    const family = this.family(name);
    const key = labelText(labels);
    family.values.set(key, (family.values.get(key) ?? 0) + by);
  }

  set(name: string, labels: Labels, value: number): void {
    this.family(name).values.set(labelText(labels), value);
  }

  get(name: string, labels: Labels = {}): number {
    return this.family(name).values.get(labelText(labels)) ?? 0;
  }

  text(): string {
    const out: string[] = [];
    for (const [name, family] of this.families) {
      out.push(`# HELP ${name} ${family.help}`, `# TYPE ${name} ${family.type}`);
      for (const [labels, value] of family.values) out.push(`${name}${labels} ${value}`);
    }
    return `${out.join('\n')}\n`;
  }

  private family(name: string): Family {
    const family = this.families.get(name);
    if (!family) throw new Error(`metrics: ${name} was never declared`);
    return family;
  }
}

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;
}
