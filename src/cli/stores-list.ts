import { stores } from '../stores/index.js';
import type { Reporter } from './report.js';

export function listStores(reporter: Reporter): void {
  if (reporter.json) {
    reporter.result(
      stores.map((s) => ({
        id: s.id,
        label: s.label,
        strategy: s.strategy,
        sessionLibrary: s.sessionLibrary,
        legacy: s.legacy,
        persistent: s.persistent,
        sharedAcrossInstances: s.sharedAcrossInstances,
        env: s.env.map((v) => v.name),
        service: s.service?.image ?? null,
        hint: s.hint,
        notes: s.notes,
      })),
    );
    return;
  }
  const width = Math.max(...stores.map((s) => s.id.length));
  const strategyWidth = Math.max(...stores.map((s) => s.strategy.length));
  for (const s of stores) {
    const label = s.legacy ? `${s.label} [legacy]` : s.label;
    reporter.line(`${s.id.padEnd(width)}  ${s.strategy.padEnd(strategyWidth)}  ${label} — ${s.hint}`);
  }
}
