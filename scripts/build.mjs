// Bundles the runnable entry points with esbuild: it resolves the @sluice/* path aliases
// from tsconfig.base.json and leaves node_modules external, so dist/ runs on plain node.
import { build } from 'esbuild';

await build({
  entryPoints: {
    server: 'apps/server/src/main.ts',
    cli: 'apps/cli/src/main.ts',
  },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: true,
  tsconfig: 'tsconfig.base.json',
  loader: { '.lua': 'text' },
  logLevel: 'warning',
});
