import type { Metafile } from "esbuild";
import { bundleLambda, LAMBDA_ENTRIES } from "../infra/lib/bundling.js";

export interface BundleSize {
  entry: string;
  /** Minified bytes of the bundle, as deployed. */
  bytes: number;
  /** Bytes of it that are the AWS SDK (@aws-sdk/* and @smithy/*). */
  awsSdkBytes: number;
  /** The largest packages in the bundle, bytes each. */
  largest: Array<{ module: string; bytes: number }>;
}

/** The package an input file belongs to (`node_modules/@scope/name/...` -> `@scope/name`), or `app` for our code. */
function packageOf(input: string): string {
  const at = input.lastIndexOf("node_modules/");
  if (at < 0) return "app";
  const parts = input.slice(at + "node_modules/".length).split("/");
  return parts[0]?.startsWith("@") ? `${parts[0]}/${parts[1]}` : (parts[0] ?? "?");
}

function breakdown(metafile: Metafile): Map<string, number> {
  const output = Object.values(metafile.outputs)[0];
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const name = packageOf(input);
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
  return byPackage;
}

/** Builds every Lambda entry with the deploy's bundler (in memory) and reports its minified size. */
export async function measureBundleSizes(): Promise<BundleSize[]> {
  const sizes: BundleSize[] = [];
  for (const [name, entry] of Object.entries(LAMBDA_ENTRIES)) {
    process.stderr.write(`[bench]   bundling ${name} (${entry})\n`);
    const { bytes, metafile } = await bundleLambda(entry);
    const byPackage = breakdown(metafile);
    const awsSdkBytes = [...byPackage]
      .filter(([module]) => module.startsWith("@aws-sdk/") || module.startsWith("@smithy/"))
      .reduce((sum, [, size]) => sum + size, 0);
    const largest = [...byPackage]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([module, size]) => ({ module, bytes: size }));
    sizes.push({ entry: name, bytes, awsSdkBytes, largest });
  }
  return sizes;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const size of await measureBundleSizes()) {
    process.stdout.write(
      `${size.entry}: ${(size.bytes / 1024).toFixed(0)} KB (AWS SDK ${(size.awsSdkBytes / 1024).toFixed(0)} KB); ` +
        `${size.largest.map((m) => `${m.module} ${(m.bytes / 1024).toFixed(0)} KB`).join(", ")}\n`,
    );
  }
}
