import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';

/** A forked benchmark server (bench/lib/server-http.ts) and its port. */
export interface ServerChild {
  port: number;
  baseUrl: string;
  stop(): Promise<void>;
}

/** Forks bench/lib/server-http.ts in its own process and waits for its port (60 s at most). */
export function startServer(args: string[]): Promise<ServerChild> {
  const child: ChildProcess = fork(path.join(import.meta.dirname, 'server-http.ts'), args, {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error('benchmark server did not start within 60 s'));
    }, 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`benchmark server exited with ${code}`));
    });
    child.once('message', (msg: { port: number }) => {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({
        port: msg.port,
        baseUrl: `http://127.0.0.1:${msg.port}`,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
            child.once('exit', () => {
              clearTimeout(kill);
              done();
            });
            child.disconnect();
          }),
      });
    });
  });
}
