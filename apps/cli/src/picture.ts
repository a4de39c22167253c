import { Resvg } from '@resvg/resvg-js';
import { Error as ErrorLevel, logger, parse, View } from 'vega';
import { compile } from 'vega-lite';
import type { VegaLiteSpec } from './charts.js';

/** Shared look of every picture: a sans-serif font the renderer finds on most systems, white background. */
const CONFIG = {
  font: 'DejaVu Sans, Liberation Sans, Arial, sans-serif',
  background: 'white',
  padding: 12,
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12 },
};

/** Renders a Vega-Lite spec to SVG text (vega's headless SVG renderer). */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  // Only errors reach stderr: vega-lite's warnings (e.g. merged legends) are not the user's concern.
  const quiet = logger(ErrorLevel);
  const compiled = compile(
    { ...spec, config: { ...CONFIG, ...(spec.config as object | undefined) } } as never,
    {
      logger: quiet,
    },
  ).spec;
  const view = new View(parse(compiled), { renderer: 'none', logger: quiet });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Renders a Vega-Lite spec to a PNG at twice its CSS size (resvg, system fonts). */
export async function renderPng(spec: VegaLiteSpec): Promise<Uint8Array> {
  const svg = await renderSvg(spec);
  const image = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  }).render();
  return image.asPng();
}
