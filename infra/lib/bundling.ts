/**
 * How every Lambda bundle is built — the one bundler used by the CDK app (`app-function.ts`), the bench's
 * size report (`bench/bundle-sizes.ts`) and the bundle tests (`infra/test/lambda-bundles.test.ts`), so the
 * sizes reported and the code tested are the code deployed. It uses esbuild's JS API because the bundles
 * need an esbuild plugin, which NodejsFunction cannot take.
 *
 * Run as a script it bundles one entry into a directory (what the CDK app's local bundling calls):
 * `node --import tsx infra/lib/bundling.ts src/runtime/aws/http.ts <output directory>`.
 */
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type BuildOptions, build, type Metafile, type Plugin } from "esbuild";

/** The repository root (this file is infra/lib/bundling.ts). */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The Lambda entry points (files under src/runtime/aws/), by role. */
export const LAMBDA_ENTRIES = {
  http: "src/runtime/aws/http.ts",
  consumer: "src/runtime/aws/consumer.ts",
  workflowTask: "src/runtime/aws/workflow-task.ts",
  outboxRelay: "src/runtime/aws/outbox-relay.ts",
  orderEvents: "src/runtime/aws/order-events.ts",
  objectCreated: "src/runtime/aws/object-created.ts",
} as const;

/** The file a bundle is written to in its directory; the function's handler is `index.handler`. */
export const BUNDLE_FILE = "index.mjs";

/**
 * zod 4 re-exports all its locales (`export * as locales` in v4/classic/external.js and v4/core/index.js),
 * which esbuild keeps whole: ~255 KB of messages in ~50 languages (colinhacks/zod#6050, #5665). This loads
 * zod's locale index as English only. zod registers English itself on first use (v4/classic/schemas.js
 * imports locales/en.js), so messages stay the same; only `z.locales` shrinks to `{ en }`, and nothing in
 * src uses `z.locales` (code that took another locale from it would get `undefined`).
 */
export const zodEnglishOnly: Plugin = {
  name: "zod-english-only",
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
      contents: 'export { default as en } from "./en.js";',
      loader: "js",
    }));
  },
};

/** The esbuild options of every Lambda bundle (all but entry and output). */
export const LAMBDA_BUNDLING = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  minify: true,
  /** Bundle everything, AWS SDK v3 included: tree-shaken clients pinned to what the tests ran against. */
  external: [],
  /**
   * The ES module build of packages that ship both (the AWS SDK's `dist-es`). esbuild cannot tree-shake
   * CommonJS: it kept every command of every client, and whatever a CommonJS module `require`s whole, such
   * as bowser (a browser user-agent parser) through @aws-sdk/core. `browser` builds stay unused (platform node).
   */
  mainFields: ["module", "main"],
  /** ESM bundles of CommonJS dependencies (qrcode, pngjs) need a real `require`. */
  banner: { js: "import{createRequire}from'module';const require=createRequire(import.meta.url);" },
  plugins: [zodEnglishOnly],
  logLevel: "warning",
} satisfies BuildOptions;

export interface LambdaBundle {
  /** Where the bundle is (or would be) written. */
  file: string;
  /** Minified bytes of the bundle, as deployed. */
  bytes: number;
  /** What went into it, per input file (esbuild's metafile). */
  metafile: Metafile;
}

/**
 * Bundles one entry (a path relative to the repository root, or absolute) into `outdir/index.mjs`; without
 * `outdir` the bundle is built in memory only (for its size and metafile).
 */
export async function bundleLambda(entry: string, outdir?: string): Promise<LambdaBundle> {
  const file = join(outdir ?? join(REPO_ROOT, "infra", ".lambda-bundle"), BUNDLE_FILE);
  const result = await build({
    ...LAMBDA_BUNDLING,
    entryPoints: [resolve(REPO_ROOT, entry)],
    outfile: file,
    write: outdir !== undefined,
    metafile: true,
  });
  const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  return { file, bytes, metafile: result.metafile };
}

const SCRIPT = fileURLToPath(import.meta.url);

/**
 * `bundleLambda` for callers that cannot wait for a promise (the CDK app's local bundling): runs this file
 * as a script in a child Node process (through tsx) and returns when the bundle is written.
 */
export function bundleLambdaSync(entry: string, outdir: string): void {
  const child = spawnSync(process.execPath, ["--import", "tsx", SCRIPT, entry, outdir], {
    cwd: REPO_ROOT,
    // esbuild's warnings and errors go to stderr; nothing is written to the caller's stdout.
    stdio: ["ignore", 2, 2],
  });
  if (child.error) throw child.error;
  if (child.status !== 0) {
    throw new Error(`Bundling ${entry} failed (${child.signal ?? `exit code ${child.status}`}); see the output above.`);
  }
}

if (process.argv[1] === SCRIPT) {
  const [entry, outdir] = process.argv.slice(2);
  if (!entry || !outdir) throw new Error("usage: node --import tsx infra/lib/bundling.ts <entry> <output directory>");
  bundleLambda(entry, outdir).catch((error: unknown) => {
    // A failed build has printed its errors already (esbuild's log); anything else is shown here.
    if (!(error instanceof Error && "errors" in error)) console.error(error);
    process.exitCode = 1;
  });
}
