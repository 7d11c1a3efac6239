/**
 * SVG → PNG with resvg (Rust, shipped as a prebuilt npm optional package: nothing is downloaded at install
 * time). Loaded lazily, so a platform without a matching binary still serves SVG and answers PNG with 501.
 * Text needs a system font with Vietnamese glyphs (DejaVu Sans, Debian's fonts-dejavu-core).
 */
type ResvgModule = typeof import('@resvg/resvg-js');

let loaded: ResvgModule | null | undefined;

function resvg(): ResvgModule | null {
  if (loaded === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: a missing native binary must not stop the app
      loaded = require('@resvg/resvg-js') as ResvgModule;
    } catch {
      loaded = null;
    }
  }
  return loaded;
}

export function isPngAvailable(): boolean {
  return resvg() !== null;
}

/** Renders at twice the SVG size by default: sharp when pasted into a document. Null when resvg is missing. */
export function svgToPng(svg: string, scale = 2): Buffer | null {
  const mod = resvg();
  if (!mod) return null;
  const r = new mod.Resvg(svg, {
    background: '#ffffff',
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return r.render().asPng();
}
