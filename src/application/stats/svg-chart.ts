/**
 * A small SVG chart writer for report images: vertical or horizontal grouped bars and lines, with axes,
 * round-number ticks, category labels, a legend and data labels. The output is self-contained SVG 1.1
 * (no script, no external reference), so it can be pasted into a document or rasterised as is.
 */
export interface ChartSeries {
  name: string;
  values: number[];
  /** CSS colour; a palette colour by position when omitted. */
  color?: string;
}

export interface ChartSpec {
  kind: 'bar' | 'line';
  title: string;
  subtitle?: string;
  /** One label per position on the category axis. */
  categories: string[];
  series: ChartSeries[];
  /** Bars along the y axis, for long category names (agencies). */
  horizontal?: boolean;
  /** How values are written: integers, or shares 0..1 as percentages. */
  valueFormat?: 'int' | 'percent';
  /** The label of the value axis. */
  valueLabel?: string;
  /** Shown in the middle of the plot when there is nothing to draw. */
  emptyText?: string;
  width?: number;
  height?: number;
  /** Number formatting locale for data labels. @defaultValue 'vi-VN' */
  numberLocale?: string;
}

export const PALETTE = [
  '#1f6fb2',
  '#e07b24',
  '#2e9e5b',
  '#c23b3b',
  '#7b5ea7',
  '#8c6d46',
  '#d16ba5',
  '#5f6b73',
];
const FONT = "'DejaVu Sans', 'Noto Sans', Arial, sans-serif";
const AXIS = '#444';
const GRID = '#e3e3e3';

export function escapeXml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
}

/** Rough text width for layout (no font metrics on the server): Vietnamese text in a sans font averages ~0.58 em. */
function textWidth(s: string, size: number): number {
  return [...s].length * size * 0.58;
}

function truncate(s: string, maxWidth: number, size: number): string {
  if (textWidth(s, size) <= maxWidth) return s;
  const chars = [...s];
  const keep = Math.max(1, Math.floor(maxWidth / (size * 0.58)) - 1);
  return `${chars.slice(0, keep).join('')}…`;
}

/** Round-number axis: 0 to a max ≥ the data, in 1/2/2.5/5 × 10ⁿ steps; percentages stop at 100 %. */
export function niceTicks(max: number, percent: boolean, target = 5): number[] {
  if (percent) return [0, 0.2, 0.4, 0.6, 0.8, 1];
  if (!(max > 0)) return [0, 1];
  const raw = max / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  // Integer counts never need fractional ticks.
  const s = Math.max(1, step);
  const ticks: number[] = [];
  for (let v = 0; v < max + s; v += s) {
    ticks.push(Math.round(v * 1e6) / 1e6);
    if (v >= max) break;
  }
  return ticks;
}

function fmt(v: number, spec: ChartSpec): string {
  const locale = spec.numberLocale ?? 'vi-VN';
  if (spec.valueFormat === 'percent')
    return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(v * 100)}%`;
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(v);
}

function text(x: number, y: number, s: string, attrs: string): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${escapeXml(s)}</text>`;
}

export function renderSvgChart(spec: ChartSpec): string {
  const width = spec.width ?? 900;
  const n = spec.categories.length;
  const horizontal = spec.kind === 'bar' && spec.horizontal === true;
  const height =
    spec.height ?? (horizontal ? Math.max(260, 110 + n * Math.max(22, 10 * spec.series.length + 8)) : 460);
  const percent = spec.valueFormat === 'percent';
  const colors = spec.series.map((s, i) => s.color ?? PALETTE[i % PALETTE.length]!);
  const all = spec.series.flatMap((s) => s.values).filter((v) => Number.isFinite(v));
  const max = Math.max(0, ...all);
  const ticks = niceTicks(max, percent);
  const top = ticks[ticks.length - 1]!;
  const out: string[] = [];

  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(FONT)}" role="img" aria-label="${escapeXml(spec.title)}">`,
  );
  out.push(`<title>${escapeXml(spec.title)}</title>`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(
    text(width / 2, 28, spec.title, 'font-size="18" font-weight="bold" text-anchor="middle" fill="#222"'),
  );
  if (spec.subtitle)
    out.push(text(width / 2, 48, spec.subtitle, 'font-size="12" text-anchor="middle" fill="#555"'));

  // Legend, one row under the title, when there is more than one series.
  let legendBottom = spec.subtitle ? 56 : 40;
  if (spec.series.length > 1) {
    const items = spec.series.map((s) => ({ name: s.name, w: 18 + textWidth(s.name, 12) + 16 }));
    let x = width / 2 - items.reduce((a, i) => a + i.w, 0) / 2;
    const y = legendBottom + 14;
    items.forEach((item, i) => {
      out.push(`<rect x="${x.toFixed(1)}" y="${y - 10}" width="12" height="12" fill="${colors[i]}"/>`);
      out.push(text(x + 17, y, item.name, 'font-size="12" fill="#333"'));
      x += item.w;
    });
    legendBottom = y + 8;
  }

  const catLabelSize = 11;
  const longest = Math.max(0, ...spec.categories.map((c) => textWidth(c, catLabelSize)));
  if (horizontal) {
    const left = Math.min(Math.max(60, longest + 16), width * 0.4);
    const right = 60;
    const plotTop = legendBottom + 10;
    const bottom = height - 40;
    const plotW = width - left - right;
    const x = (v: number) => left + (top > 0 ? (v / top) * plotW : 0);
    for (const t of ticks) {
      out.push(
        `<line x1="${x(t).toFixed(1)}" y1="${plotTop}" x2="${x(t).toFixed(1)}" y2="${bottom}" stroke="${GRID}"/>`,
      );
      out.push(text(x(t), bottom + 16, fmt(t, spec), `font-size="11" text-anchor="middle" fill="${AXIS}"`));
    }
    out.push(`<line x1="${left}" y1="${plotTop}" x2="${left}" y2="${bottom}" stroke="${AXIS}"/>`);
    out.push(`<line x1="${left}" y1="${bottom}" x2="${width - right}" y2="${bottom}" stroke="${AXIS}"/>`);
    if (spec.valueLabel)
      out.push(
        text(
          left + plotW / 2,
          bottom + 34,
          spec.valueLabel,
          `font-size="12" text-anchor="middle" fill="${AXIS}"`,
        ),
      );
    const band = n > 0 ? (bottom - plotTop) / n : 0;
    const barH = Math.max(2, (band * 0.75) / Math.max(1, spec.series.length));
    spec.categories.forEach((c, ci) => {
      const y0 = plotTop + ci * band + band * 0.125;
      out.push(
        text(
          left - 6,
          plotTop + ci * band + band / 2 + 4,
          truncate(c, left - 10, catLabelSize),
          `font-size="${catLabelSize}" text-anchor="end" fill="#222"`,
        ),
      );
      spec.series.forEach((s, si) => {
        const v = s.values[ci] ?? 0;
        const y = y0 + si * barH;
        out.push(
          `<rect x="${left}" y="${y.toFixed(1)}" width="${Math.max(0, x(v) - left).toFixed(1)}" height="${barH.toFixed(1)}" fill="${colors[si]}"><title>${escapeXml(`${c} · ${s.name}: ${fmt(v, spec)}`)}</title></rect>`,
        );
        out.push(text(x(v) + 4, y + barH / 2 + 4, fmt(v, spec), 'font-size="10" fill="#222"'));
      });
    });
  } else {
    const rotate = n > 0 && longest > (width - 120) / n - 4;
    const left = 64;
    const right = 24;
    const plotTop = legendBottom + 10;
    const bottom =
      height - (rotate ? Math.min(140, 30 + Math.min(longest, 130) * 0.7) : 44) - (spec.valueLabel ? 0 : 0);
    const plotW = width - left - right;
    const y = (v: number) => bottom - (top > 0 ? (v / top) * (bottom - plotTop) : 0);
    for (const t of ticks) {
      out.push(
        `<line x1="${left}" y1="${y(t).toFixed(1)}" x2="${width - right}" y2="${y(t).toFixed(1)}" stroke="${GRID}"/>`,
      );
      out.push(text(left - 6, y(t) + 4, fmt(t, spec), `font-size="11" text-anchor="end" fill="${AXIS}"`));
    }
    out.push(`<line x1="${left}" y1="${plotTop}" x2="${left}" y2="${bottom}" stroke="${AXIS}"/>`);
    out.push(`<line x1="${left}" y1="${bottom}" x2="${width - right}" y2="${bottom}" stroke="${AXIS}"/>`);
    if (spec.valueLabel) {
      const cy = (plotTop + bottom) / 2;
      out.push(
        `<text x="16" y="${cy.toFixed(1)}" font-size="12" text-anchor="middle" fill="${AXIS}" transform="rotate(-90 16 ${cy.toFixed(1)})">${escapeXml(spec.valueLabel)}</text>`,
      );
    }
    const band = n > 0 ? plotW / n : 0;
    // Thin the category labels so they never overlap: at most one per ~14 px when rotated, ~label width otherwise.
    const every = rotate
      ? Math.max(1, Math.ceil(14 / Math.max(1, band)))
      : Math.max(1, Math.ceil((Math.min(longest, 120) + 8) / Math.max(1, band)));
    spec.categories.forEach((c, ci) => {
      if (ci % every !== 0 && ci !== n - 1) return;
      const cx = left + ci * band + band / 2;
      if (rotate) {
        out.push(
          `<text x="${cx.toFixed(1)}" y="${(bottom + 12).toFixed(1)}" font-size="${catLabelSize}" text-anchor="end" fill="#222" transform="rotate(-40 ${cx.toFixed(1)} ${(bottom + 12).toFixed(1)})">${escapeXml(truncate(c, 130, catLabelSize))}</text>`,
        );
      } else {
        out.push(text(cx, bottom + 16, c, `font-size="${catLabelSize}" text-anchor="middle" fill="#222"`));
      }
    });
    const showValues = n * spec.series.length <= 40;
    if (spec.kind === 'bar') {
      const barW = Math.max(1, (band * 0.75) / Math.max(1, spec.series.length));
      spec.categories.forEach((c, ci) => {
        spec.series.forEach((s, si) => {
          const v = s.values[ci] ?? 0;
          const bx = left + ci * band + band * 0.125 + si * barW;
          out.push(
            `<rect x="${bx.toFixed(1)}" y="${y(v).toFixed(1)}" width="${barW.toFixed(1)}" height="${Math.max(0, bottom - y(v)).toFixed(1)}" fill="${colors[si]}"><title>${escapeXml(`${c} · ${s.name}: ${fmt(v, spec)}`)}</title></rect>`,
          );
          if (showValues)
            out.push(
              text(bx + barW / 2, y(v) - 4, fmt(v, spec), 'font-size="10" text-anchor="middle" fill="#222"'),
            );
        });
      });
    } else {
      spec.series.forEach((s, si) => {
        const pts = s.values.map((v, ci) => `${(left + ci * band + band / 2).toFixed(1)},${y(v).toFixed(1)}`);
        if (pts.length > 1)
          out.push(
            `<polyline points="${pts.join(' ')}" fill="none" stroke="${colors[si]}" stroke-width="2.5" stroke-linejoin="round"/>`,
          );
        s.values.forEach((v, ci) => {
          const cx = left + ci * band + band / 2;
          out.push(
            `<circle cx="${cx.toFixed(1)}" cy="${y(v).toFixed(1)}" r="${n > 60 ? 1.5 : 3.5}" fill="${colors[si]}"><title>${escapeXml(`${spec.categories[ci]} · ${s.name}: ${fmt(v, spec)}`)}</title></circle>`,
          );
          if (showValues)
            out.push(
              text(cx, y(v) - 8, fmt(v, spec), `font-size="10" text-anchor="middle" fill="${colors[si]}"`),
            );
        });
      });
    }
  }
  if (n === 0 || all.length === 0) {
    out.push(
      text(width / 2, height / 2, spec.emptyText ?? '—', 'font-size="14" text-anchor="middle" fill="#777"'),
    );
  }
  out.push('</svg>');
  return out.join('\n');
}
