// Runs a command from node_modules/.bin (or PATH) with inherited output; rejects on failure.
import { spawn } from 'node:child_process';
import path from 'node:path';

const bin = path.resolve('node_modules/.bin');

/** Runs `cmd args`; resolves on exit code 0, rejects otherwise. */
export function run(cmd, args = [], options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      stdio: 'inherit',
      ...options,
      env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`, ...options.env },
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`));
    });
  });
}
