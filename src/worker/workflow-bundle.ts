import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { WorkerOptions } from '@temporalio/worker';

/**
 * The workflow bundle built ahead (`npm run build`): webpack runs once at build time instead of in every
 * worker at start, which saves the worker several seconds of CPU and about 175 MiB of memory.
 *
 * `dist/workflow-bundle.js` is the code; `dist/workflow-bundle.json` lists what went into it (every source
 * file and the lock file, with their hashes). A bundle is used only while it is fresh: when one of its
 * inputs is present and differs (a source edited since the build), the worker bundles at start as before.
 * Where the sources are absent (an image with only `dist/`), the bundle is trusted.
 */

/** The package's root, from `src/worker` (ts-node, Jest) and from `dist/worker` (the built CLI) alike. */
export const PACKAGE_ROOT = resolve(__dirname, '..', '..');
export const WORKFLOW_BUNDLE_PATH = join(PACKAGE_ROOT, 'dist', 'workflow-bundle.js');
const MANIFEST_VERSION = 1;

interface BundleManifest {
  version: number;
  createdAt: string;
  /** @temporalio/workflow's version: the bundle holds its workflow runtime, which must match the worker's. */
  sdk: string;
  /** Inputs as paths relative to the package root, with their sha256. */
  inputs: Record<string, string>;
}

function manifestPath(bundlePath: string): string {
  return bundlePath.replace(/\.js$/, '.json');
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function sdkVersion(): string {
  const pkg = require.resolve('@temporalio/workflow/package.json', { paths: [PACKAGE_ROOT] });
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

/** Why the bundle at `bundlePath` cannot be used, or undefined when it is fresh. */
export function staleReason(bundlePath = WORKFLOW_BUNDLE_PATH): string | undefined {
  if (!existsSync(bundlePath)) return `${bundlePath} does not exist`;
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath(bundlePath), 'utf8')) as BundleManifest;
  } catch {
    return `${manifestPath(bundlePath)} is missing or unreadable`;
  }
  if (manifest.version !== MANIFEST_VERSION) return 'the bundle manifest has another format';
  if (manifest.sdk !== sdkVersion()) return `built with @temporalio/workflow ${manifest.sdk}`;
  for (const [file, hash] of Object.entries(manifest.inputs)) {
    const path = join(PACKAGE_ROOT, file);
    if (existsSync(path) && sha256(path) !== hash) return `${file} changed since the bundle was built`;
  }
  return undefined;
}

/**
 * `{ workflowBundle: { codePath } }` when the prebuilt bundle is fresh, else `{}` (the worker then bundles
 * the workflows at start). For `createWorker`'s options: `createWorker({ ...workflowBundleOption(), … })`.
 */
export function workflowBundleOption(
  bundlePath = WORKFLOW_BUNDLE_PATH,
): { workflowBundle: { codePath: string } } | Record<string, never> {
  return staleReason(bundlePath) === undefined ? { workflowBundle: { codePath: bundlePath } } : {};
}

/** What `createWorker` gives the Worker: the prebuilt bundle when fresh, else the workflows to bundle. */
export function workflowSource(
  given?: WorkerOptions['workflowBundle'],
): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  const workflowBundle = given ?? workflowBundleOption().workflowBundle;
  return workflowBundle ? { workflowBundle } : { workflowsPath: require.resolve('../workflows') };
}

/** The bundler's logger: warnings and errors only. */
export const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => process.stderr.write(`bundler: ${message}\n`),
  error: (message: string) => process.stderr.write(`bundler: ${message}\n`),
};

/**
 * Bundles `src/workflows` with webpack (Temporal's bundler) into `bundlePath`, with its manifest. The
 * TypeScript sources are bundled (not `dist/`), so that the bundle and the Jest suite's run the same code.
 */
export async function buildWorkflowBundle(bundlePath = WORKFLOW_BUNDLE_PATH): Promise<void> {
  const inputs = new Set<string>();
  // Loaded here only: the freshness check at build time then needs none of the SDK.
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  const { code } = await bundleWorkflowCode({
    workflowsPath: join(PACKAGE_ROOT, 'src', 'workflows', 'index.ts'),
    logger: quietLogger,
    webpackConfigHook: (config) => ({
      ...config,
      plugins: [
        ...(config.plugins ?? []),
        {
          apply(compiler) {
            compiler.hooks.done.tap('glpi-bridge-bundle-inputs', (stats) => {
              for (const module of stats.compilation.modules) {
                const resource = (module as { resource?: string }).resource?.split('?')[0];
                if (resource && isAbsolute(resource)) inputs.add(resource);
              }
            });
          },
        },
      ],
    }),
  });
  const manifest: BundleManifest = {
    version: MANIFEST_VERSION,
    createdAt: new Date().toISOString(),
    sdk: sdkVersion(),
    inputs: {},
  };
  const own = [...inputs].filter((f) => {
    const rel = relative(PACKAGE_ROOT, f);
    return !rel.startsWith('..') && !rel.split(/[\\/]/).includes('node_modules') && existsSync(f);
  });
  const lock = join(PACKAGE_ROOT, 'package-lock.json');
  if (existsSync(lock)) own.push(lock);
  for (const file of own.sort()) manifest.inputs[relative(PACKAGE_ROOT, file)] = sha256(file);
  if (Object.keys(manifest.inputs).length < 2) throw new Error('the workflow bundle has no source inputs');
  mkdirSync(dirname(bundlePath), { recursive: true });
  // Written under temporary names, then renamed: a worker starting meanwhile sees the old pair or the new.
  writeFileSync(`${bundlePath}.tmp`, code);
  writeFileSync(`${manifestPath(bundlePath)}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(`${bundlePath}.tmp`, bundlePath);
  renameSync(`${manifestPath(bundlePath)}.tmp`, manifestPath(bundlePath));
}

/** `node dist/worker/workflow-bundle.js [--if-stale]`: the build step. */
async function main(): Promise<void> {
  const started = Date.now();
  const reason = staleReason();
  if (process.argv.includes('--if-stale') && reason === undefined) {
    process.stderr.write(`workflow bundle: ${relative(process.cwd(), WORKFLOW_BUNDLE_PATH)} is fresh\n`);
    return;
  }
  await buildWorkflowBundle();
  process.stderr.write(
    `workflow bundle: ${relative(process.cwd(), WORKFLOW_BUNDLE_PATH)} built in ${Date.now() - started} ms\n`,
  );
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`workflow bundle: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
