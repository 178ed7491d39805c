// npm start: installs what is missing, builds, starts the local stack (Janus + Kamailio +
// baresip, stack/with-stack.sh) and serves the demo page. Ctrl-C stops everything it started.
//   npm start                       on Linux as root: everything inside a private network namespace
//   npm start -- --network host     on a desktop: Janus uses the desktop's own network, so the
//                                   desktop's browser can call from http://127.0.0.1:8080/
import { spawn } from 'node:child_process';
import { build, ensureNodeModules, ensureSystemPackages } from './lib/prepare.mjs';

const argv = process.argv.slice(2);
const flag = argv.find((a) => a.startsWith('--network'));
const network =
  (flag?.includes('=') ? flag.split('=')[1] : flag ? argv[argv.indexOf(flag) + 1] : undefined) ??
  process.env.VCB_NETWORK ??
  (process.getuid?.() === 0 ? 'netns' : 'host');

await ensureNodeModules();
await ensureSystemPackages();
await build();

const child = spawn(
  'bash',
  [
    'stack/with-stack.sh',
    '--network',
    network,
    '--',
    process.execPath,
    'demo/server.mjs',
    '--announce',
  ],
  { stdio: 'inherit', env: { ...process.env, PORT: process.env.PORT ?? '8080' } },
);
// Ctrl-C reaches the whole process group; the stack script does the stopping, we wait for it.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
