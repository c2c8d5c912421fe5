/**
 * Charts as server-rendered SVG (no script, no library): bars over time and bars by category. Labels go through
 * the same escaping as the pages.
 */
import { html, type SafeHtml } from './html.ts';

export interface Bar {
  label: string;
  value: number;
  /** Shown on hover. */
  title?: string;
}

const WIDTH = 640;

/** Vertical bars (time on the x axis), with the largest value and every `labelEvery`-th label. */
export function columnChart(title: string, bars: Bar[], options: { labelEvery?: number; color?: string; unit?: string } = {}): SafeHtml {
  const height = 180;
  const top = 24;
  const bottom = 28;
  const left = 36;
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const slot = (WIDTH - left - 8) / Math.max(1, bars.length);
  const barWidth = Math.max(2, slot * 0.75);
  const plot = height - top - bottom;
  const every = options.labelEvery ?? Math.max(1, Math.ceil(bars.length / 8));
  return html`<figure class="chart">
    <figcaption>${title}</figcaption>
    <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${title}">
      <line x1="${left}" y1="${top + plot}" x2="${WIDTH - 4}" y2="${top + plot}" stroke="#999" />
      <text x="${left - 4}" y="${top + 4}" text-anchor="end" font-size="11" fill="#555">${max}</text>
      <text x="${left - 4}" y="${top + plot}" text-anchor="end" font-size="11" fill="#555">0</text>
      ${bars.map((bar, index) => {
        const barHeight = (bar.value / max) * plot;
        const x = left + index * slot + (slot - barWidth) / 2;
        return html`<rect
            x="${x.toFixed(1)}"
            y="${(top + plot - barHeight).toFixed(1)}"
            width="${barWidth.toFixed(1)}"
            height="${barHeight.toFixed(1)}"
            fill="${options.color ?? '#2f6fb3'}"
            ><title>${bar.title ?? `${bar.label}: ${bar.value}${options.unit ?? ''}`}</title></rect
          >${
            index % every === 0
              ? html`<text x="${(x + barWidth / 2).toFixed(1)}" y="${height - 10}" text-anchor="middle" font-size="10" fill="#555">${bar.label}</text>`
              : ''
          }`;
      })}
    </svg>
  </figure>`;
}

/** Horizontal bars by category (failures by reason), longest first, labels cut to fit. */
export function barChart(title: string, bars: Bar[], options: { color?: string } = {}): SafeHtml {
  const row = 22;
  const labelWidth = 330;
  const height = Math.max(1, bars.length) * row + 10;
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  return html`<figure class="chart">
    <figcaption>${title}</figcaption>
    <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${title}">
      ${bars.length === 0 ? html`<text x="4" y="16" font-size="12" fill="#555">nothing to show</text>` : ''}
      ${bars.map((bar, index) => {
        const y = 4 + index * row;
        const length = (bar.value / max) * (WIDTH - labelWidth - 50);
        const label = bar.label.length > 52 ? `${bar.label.slice(0, 51)}…` : bar.label;
        return html`<text x="${labelWidth - 6}" y="${y + 14}" text-anchor="end" font-size="11" fill="#333">${label}<title>${bar.label}</title></text>
          <rect x="${labelWidth}" y="${y + 3}" width="${Math.max(1, length).toFixed(1)}" height="${row - 8}" fill="${options.color ?? '#c0392b'}"
            ><title>${bar.title ?? `${bar.label}: ${bar.value}`}</title></rect
          >
          <text x="${(labelWidth + length + 4).toFixed(1)}" y="${y + 14}" font-size="11" fill="#333">${bar.value}</text>`;
      })}
    </svg>
  </figure>`;
}
