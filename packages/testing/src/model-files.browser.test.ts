// The model-file guarantees of issue #13 in headless Chromium, through the browser loaders as they
// exist: edited models stored in IndexedDB by tfjs's own handler and loaded by URL, and models
// fetched over HTTP (httpModelHandler with the page's fetch). Fixed seed; skipped without Chromium.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chromiumMissing, runInChromium } from '../../../tools/browser-test/chromium.js';

const missing = chromiumMissing();
const RUNS = { indexedDb: 120, fetch: 120 };

const entry = `
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as fc from 'fast-check';
import { createByName, Flow, httpModelHandler, loadFlow } from '@bijective/core';
import { applyJsonEdits, checkLoadOutcome, jsonEdits, jsonText, MODEL_FUZZ_SEED, OutcomeTally, saveToMemory } from './model-file-fuzz.js';

function seedFlow() {
  return new Flow(
    createByName('distribution', 'standard-normal', { eventShape: [3] }),
    createByName('bijector', 'chain', { bijectors: [
      { name: 'affine', options: { eventShape: [3], shift: 0.5, scale: 1.5 } },
      { name: 'lu-linear', options: { eventShape: [3], seed: 1 } },
    ] }),
  );
}

function nested(depth) {
  let c = { name: 'affine', options: { eventShape: [3] } };
  for (let i = 0; i < depth; i++) c = { name: 'chain', options: { bijectors: [c] } };
  return c;
}

async function storeAndLoad(artifacts, tally, failures) {
  const url = 'indexeddb://bijective-fuzz';
  try {
    await tf.io.getSaveHandlers(url)[0].save(artifacts);
  } catch (e) {
    tally.unstorable = (tally.unstorable ?? 0) + 1; // IndexedDB itself refuses to store it
    return;
  }
  try {
    tally.add(await checkLoadOutcome(() => loadFlow(url)));
  } catch (e) {
    failures.push(String(e && e.message || e).slice(0, 500));
  }
}

(async () => {
  try {
    await tf.setBackend('cpu');
    const flow = seedFlow();
    const saved = await saveToMemory(flow);
    flow.dispose();
    const doc = saved.modelJson;
    const artifactsOf = (d, weights = saved.weights) => ({
      format: 'bijective-model',
      modelTopology: { format: d.format, formatVersion: d.formatVersion, flow: d.flow },
      userDefinedMetadata: d.metadata,
      weightSpecs: d.weightsManifest?.[0]?.weights,
      weightData: weights.slice().buffer,
    });
    const failures = [];

    // Crafted cases through IndexedDB.
    const crafted = {};
    const refusal = async (name, artifacts) => {
      await tf.io.getSaveHandlers('indexeddb://crafted')[0].save(artifacts).catch((e) => { crafted[name] = 'unstorable: ' + e.message; });
      if (crafted[name]) return;
      crafted[name] = await loadFlow('indexeddb://crafted').then((l) => { l.flow.dispose(); return 'loaded'; }, (e) => e.name + ': ' + e.message);
    };
    const deep = structuredClone(doc); deep.flow.bijector = nested(300); // 3000 deep: IndexedDB itself cannot store it
    await refusal('deep', artifactsOf(deep));
    const huge = structuredClone(doc); huge.flow.bijector = { name: 'affine', options: { eventShape: [1e9] } };
    await refusal('huge', artifactsOf(huge));
    const nanWeights = saved.weights.slice(); new DataView(nanWeights.buffer).setFloat32(0, NaN, true);
    await refusal('nan', artifactsOf(doc, nanWeights));
    const proto = structuredClone(doc); proto.weightsManifest[0].weights[0].dtype = 'constructor';
    await refusal('proto', artifactsOf(proto));

    // Fuzzed documents through IndexedDB.
    const idb = new OutcomeTally();
    await fc.assert(fc.asyncProperty(fc.option(jsonEdits(2), { nil: undefined }), async (edits) => {
      const edited = edits ? applyJsonEdits(doc, edits) : doc;
      const d = typeof edited === 'object' && edited !== null && !Array.isArray(edited) ? edited : { flow: edited };
      await storeAndLoad(artifactsOf(d), idb, failures);
    }), { numRuns: ${RUNS.indexedDb}, seed: MODEL_FUZZ_SEED });

    // Fuzzed documents and weight paths over fetch.
    const http = new OutcomeTally();
    const outside = [];
    await fc.assert(fc.asyncProperty(
      fc.option(jsonEdits(2), { nil: undefined }),
      fc.constantFrom('weights.bin', 'weights.bin', '../w.bin', '/w.bin', 'https://evil.example/w.bin', '%2e%2e/w.bin', ''),
      async (edits, weightsPath) => {
        const d = structuredClone(doc);
        d.weightsManifest[0].paths = [weightsPath];
        const text = jsonText(edits ? applyJsonEdits(d, edits) : d);
        const files = new Map([['https://models.example/m/model.json', text], ['https://models.example/m/weights.bin', saved.weights]]);
        const fetch = async (url) => {
          if (!String(url).startsWith('https://models.example/m/')) outside.push(String(url));
          const body = files.get(String(url).split('?')[0]);
          return body === undefined ? new Response(null, { status: 404 }) : new Response(body);
        };
        try {
          http.add(await checkLoadOutcome(() => loadFlow(httpModelHandler('https://models.example/m/model.json', { fetch })), { names: 'https://models.example/m/' }));
        } catch (e) {
          failures.push(String(e && e.message || e).slice(0, 500));
        }
      },
    ), { numRuns: ${RUNS.fetch}, seed: MODEL_FUZZ_SEED });

    globalThis.__bijectiveResult = {
      crafted,
      failures,
      outside,
      indexedDb: { loaded: idb.loaded, refused: idb.refused, unstorable: idb.unstorable ?? 0 },
      fetch: { loaded: http.loaded, refused: http.refused },
      leaked: tf.memory().numTensors,
    };
  } catch (e) {
    globalThis.__bijectiveResult = { error: String(e && e.stack || e) };
  }
})();
`;

describe.skipIf(missing !== undefined)(
  `model-file fuzzing in headless Chromium${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    it(`IndexedDB (${RUNS.indexedDb} stored models) and fetch (${RUNS.fetch} served models) load or refuse clearly`, async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'bijective-browser-fuzz-'));
      try {
        const file = path.join(dir, 'model-files-entry.ts');
        await writeFile(file, entry);
        const resolveDir = fileURLToPath(new URL('.', import.meta.url));
        const { result, log } = await runInChromium({ entry: file, resolveDir, timeoutMs: 90_000 });
        expect(result, log.join('\n')).not.toHaveProperty('error');
        const r = result as {
          crafted: Record<string, string>;
          failures: string[];
          outside: string[];
          indexedDb: { loaded: number; refused: number; unstorable: number };
          fetch: { loaded: number; refused: number };
          leaked: number;
        };
        console.info(
          `Chromium: IndexedDB ${JSON.stringify(r.indexedDb)}, fetch ${JSON.stringify(r.fetch)}; crafted: ${JSON.stringify(r.crafted)}`,
        );
        expect(r.failures).toEqual([]);
        expect(r.outside).toEqual([]);
        expect(r.leaked).toBe(0);
        expect(r.indexedDb.loaded + r.indexedDb.refused + r.indexedDb.unstorable).toBe(RUNS.indexedDb);
        expect(r.fetch.loaded + r.fetch.refused).toBe(RUNS.fetch);
        expect(r.fetch.loaded).toBeGreaterThan(0);
        expect(r.crafted.deep).toMatch(
          /^(ModelFileError: indexeddb:\/\/crafted: nests bijector configs more than 16 deep|unstorable)/,
        );
        expect(r.crafted.huge).toMatch(
          /^ModelFileError: indexeddb:\/\/crafted: flow\.bijector \('affine'\): option 'eventShape' \[1000000000\]/,
        );
        expect(r.crafted.nan).toMatch(
          /^ModelFileError: indexeddb:\/\/crafted \(weights\): tensor 0 \(v000\) holds a NaN or infinite value at element 0/,
        );
        expect(r.crafted.proto).toMatch(
          /^ModelFileError: indexeddb:\/\/crafted: weight manifest entry 0 \(v000\) has an unsupported dtype "constructor"/,
        );
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }, 150_000);
  },
);
