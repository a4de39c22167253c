// Stages every publishable package for `npm pack`/`npm publish` and packs it: copies the built
// `dist` (without source maps, whose sources are not shipped), README.md and the root LICENSE into
// tools/release/.out/stage/<name>/, and writes a package.json free of workspace-only fields (the
// `@bijective/source` condition, `src/**` side-effect globs, scripts, devDependencies), with
// `workspace:*` versions pinned and repository/homepage/bugs taken from the root package.json.
// Usage: node tools/release/stage.mjs [--pack] [--dry-run-publish]   (after `pnpm run build`)
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const OUT = path.join(ROOT, 'tools/release/.out');
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** The workspace's publishable packages: every non-private package.json under packages/ and apps/. */
export function publishablePackages() {
  const found = [];
  for (const group of ['packages', 'apps']) {
    for (const dir of readdirSync(path.join(ROOT, group))) {
      const file = path.join(ROOT, group, dir, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = readJson(file);
      if (!pkg.private) found.push({ dir: path.join(group, dir), pkg });
    }
  }
  return found;
}

const dropSourceCondition = (value) => {
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => k !== '@bijective/source')
      .map(([k, v]) => [k, dropSourceCondition(v)]),
  );
};

/** The package.json as published. */
export function publishedManifest(dir, pkg, versions) {
  const root = readJson(path.join(ROOT, 'package.json'));
  const pin = (deps) =>
    deps &&
    Object.fromEntries(
      Object.entries(deps).map(([name, range]) => [
        name,
        range.startsWith('workspace:')
          ? (versions.get(name) ?? fail(`${pkg.name}: unknown workspace dependency ${name}`))
          : range,
      ]),
    );
  const sideEffects = Array.isArray(pkg.sideEffects)
    ? pkg.sideEffects.filter((p) => p.startsWith('./dist/'))
    : pkg.sideEffects;
  const manifest = {
    name: pkg.name,
    version: pkg.version,
    description: pkg.description,
    keywords: pkg.keywords ?? [
      'normalizing-flows',
      'tensorflowjs',
      'density-estimation',
      'generative-models',
    ],
    type: pkg.type,
    license: pkg.license,
    repository: { ...root.repository, directory: dir },
    homepage: root.homepage,
    bugs: root.bugs,
    engines: pkg.engines,
    sideEffects,
    bin: pkg.bin,
    types: pkg.exports?.['.'] ? dropSourceCondition(pkg.exports['.']).types : undefined,
    exports: pkg.exports && dropSourceCondition(pkg.exports),
    files: pkg.files,
    dependencies: pin(pkg.dependencies),
    peerDependencies: pkg.peerDependencies,
  };
  return Object.fromEntries(Object.entries(manifest).filter(([, v]) => v !== undefined));
}

function fail(message) {
  throw new Error(`stage: ${message}`);
}

/** Stages every package; returns [{ name, dir, stage }]. */
export function stageAll() {
  const packages = publishablePackages();
  const versions = new Map(packages.map(({ pkg }) => [pkg.name, pkg.version]));
  rmSync(path.join(OUT, 'stage'), { recursive: true, force: true });
  return packages.map(({ dir, pkg }) => {
    const src = path.join(ROOT, dir);
    const stage = path.join(OUT, 'stage', pkg.name.replace('/', '__'));
    if (!existsSync(path.join(src, 'dist'))) fail(`${pkg.name}: no dist/ (run \`pnpm run build\` first)`);
    mkdirSync(stage, { recursive: true });
    cpSync(path.join(src, 'dist'), path.join(stage, 'dist'), {
      recursive: true,
      filter: (file) => !file.endsWith('.map'),
    });
    for (const doc of ['README.md']) {
      if (!existsSync(path.join(src, doc))) fail(`${pkg.name}: ${dir}/${doc} is missing`);
      cpSync(path.join(src, doc), path.join(stage, doc));
    }
    cpSync(path.join(ROOT, 'LICENSE'), path.join(stage, 'LICENSE'));
    writeFileSync(
      path.join(stage, 'package.json'),
      JSON.stringify(publishedManifest(dir, pkg, versions), null, 2) + '\n',
    );
    return { name: pkg.name, dir, stage };
  });
}

/** `npm pack` of each staged package into tools/release/.out/tarballs; returns the tarball paths. */
export function packAll(staged) {
  const dest = path.join(OUT, 'tarballs');
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  return staged.map(({ stage }) => {
    const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', dest], {
      cwd: stage,
      encoding: 'utf8',
    });
    return path.join(dest, out.trim().split('\n').pop());
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const staged = stageAll();
  console.log(`staged ${staged.length} packages in ${path.relative(ROOT, path.join(OUT, 'stage'))}`);
  if (process.argv.includes('--pack')) for (const t of packAll(staged)) console.log(path.relative(ROOT, t));
  if (process.argv.includes('--dry-run-publish')) {
    for (const { name, stage } of staged) {
      execFileSync('npm', ['publish', '--dry-run', '--access', 'public'], {
        cwd: stage,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      console.log(`npm publish --dry-run ok: ${name}`);
    }
  }
}
