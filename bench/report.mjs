// Medians, the one table, and the JSON file.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { CLIENTS } from './scenarios.mjs'

export function median(values) {
  const sorted = values.filter((v) => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b)
  if (sorted.length === 0) return null
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Median of every figure over a client's successful runs. */
export function medians(scenario, runs) {
  const ok = runs.filter((r) => !r.failure)
  return Object.fromEntries(scenario.figures.map((f) => [f.key, median(ok.map((r) => r.figures[f.key]))]))
}

function format(value, digits) {
  if (value === null || value === undefined) return 'n/a'
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

function ratio(value, base, better) {
  if (better === 'none' || value === null || base === null || base === undefined || base === 0) return ''
  return ` (${(value / base).toFixed(2)}x)`
}

/**
 * One row per scenario and figure; one column per client with its median and,
 * beside it, its ratio to mqtt-napi's median (↑ higher is better, ↓ lower);
 * a scenario may name another `base` (MQTT 5: mqtt-napi's MQTT.js API) and
 * the `clients` that can run it (the others show n/a).
 */
export function table(results, clients) {
  const header = ['scenario', 'figure', ...clients.map((c) => CLIENTS[c])]
  const rows = []
  for (const { scenario, perClient } of results) {
    for (const figure of scenario.figures) {
      const baseClient = scenario.base ?? 'mqtt-napi'
      const base = perClient[baseClient]?.median[figure.key]
      const arrow = { higher: ' ↑', lower: ' ↓', none: '' }[figure.better]
      const cells = clients.map((client) => {
        const entry = perClient[client]
        if (!entry) return '-'
        if (entry.notApplicable) return 'n/a'
        if (entry.skipped) return 'skipped'
        if (entry.runs.some((r) => r.failure)) return 'FAIL'
        const value = entry.median[figure.key]
        return format(value, figure.digits) + (client === baseClient ? '' : ratio(value, base, figure.better))
      })
      rows.push([scenario.title, figure.label + arrow, ...cells])
    }
  }
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i].length)))
  const line = (r) => r.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

export function writeJson(directory, document) {
  mkdirSync(directory, { recursive: true })
  const file = join(directory, `${document.startedAt.replace(/[:.]/g, '-')}.json`)
  writeFileSync(file, JSON.stringify(document, null, 2) + '\n')
  return file
}
