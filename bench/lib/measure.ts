/** Small measurement helpers for in-process benchmarks. */

/** Bytes held by the JS heap plus ArrayBuffer backing stores (typed arrays live there). */
function usedBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

export function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
}

/**
 * Retained size of what `build` returns: GC, measure, build, GC, measure.
 * Only meaningful with --expose-gc. Shared strings (ids already in the
 * dataset) are not counted, for any structure.
 */
export function retained<T>(build: () => T): { value: T; bytes: number; ms: number; cpuMs: number } {
  gc();
  const before = usedBytes();
  const c0 = cpuNs();
  const t0 = performance.now();
  const value = build();
  const ms = performance.now() - t0;
  const cpuMs = (cpuNs() - c0) / 1e6;
  gc();
  return { value, bytes: usedBytes() - before, ms, cpuMs };
}

export async function retainedAsync<T>(
  build: () => Promise<T>,
): Promise<{ value: T; bytes: number; ms: number; cpuMs: number }> {
  gc();
  const before = usedBytes();
  const c0 = cpuNs();
  const t0 = performance.now();
  const value = await build();
  const ms = performance.now() - t0;
  const cpuMs = (cpuNs() - c0) / 1e6;
  gc();
  return { value, bytes: usedBytes() - before, ms, cpuMs };
}

/** CPU time (user + system) of this process in nanoseconds, from getrusage(2). */
export function cpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

export interface Throughput {
  checks: number;
  /** Wall-clock seconds. */
  seconds: number;
  /** CPU seconds of this process (immune to other processes taking the cores). */
  cpuSeconds: number;
  /** Checks per wall-clock second. */
  perSecond: number;
  /** Checks per CPU second. */
  perCpuSecond: number;
  allowed: number;
}

/** Run `fn(i)` for i in [from, to) and time the whole loop, in wall-clock and CPU time. */
export function throughput(fn: (i: number) => boolean, from: number, to: number): Throughput {
  let allowed = 0;
  const c0 = cpuNs();
  const t0 = process.hrtime.bigint();
  for (let i = from; i < to; i++) if (fn(i)) allowed++;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpuSeconds = (cpuNs() - c0) / 1e9;
  const n = to - from;
  return { checks: n, seconds, cpuSeconds, perSecond: n / seconds, perCpuSecond: n / cpuSeconds, allowed };
}

export interface Latency {
  batch: number;
  /** Wall-clock ns per check: p50, p99, max over batches. */
  wall: { p50: number; p99: number; max: number };
  /** CPU ns per check: p50, p99, max over batches. */
  cpu: { p50: number; p99: number; max: number };
}

function percentiles(samples: number[]): { p50: number; p99: number; max: number } {
  samples.sort((a, b) => a - b);
  const q = (x: number) => samples[Math.min(samples.length - 1, Math.floor(x * samples.length))]!;
  return { p50: q(0.5), p99: q(0.99), max: samples[samples.length - 1]! };
}

/**
 * Per-check latency: time consecutive batches of `batch` checks (a single
 * check is too short for the clocks) with process.hrtime.bigint() (wall) and
 * process.cpuUsage() (CPU, µs resolution, so batches should take ≳ 20 µs),
 * divide each batch time by its size, and take percentiles over batches.
 * The clock reads are inside the timed span, so the figures slightly
 * overstate the cost of a check.
 */
export function latency(fn: (i: number) => boolean, from: number, to: number, batch: number): Latency {
  const wall: number[] = [];
  const cpu: number[] = [];
  let sink = 0;
  for (let start = from; start + batch <= to; start += batch) {
    const c0 = cpuNs();
    const t0 = process.hrtime.bigint();
    for (let i = start; i < start + batch; i++) if (fn(i)) sink++;
    const t1 = process.hrtime.bigint();
    const c1 = cpuNs();
    wall.push(Number(t1 - t0) / batch);
    cpu.push((c1 - c0) / batch);
  }
  if (sink < 0) console.log(sink);
  return { batch, wall: percentiles(wall), cpu: percentiles(cpu) };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function fmtNs(ns: number): string {
  return ns >= 1e6
    ? `${(ns / 1e6).toFixed(2)} ms`
    : ns >= 1e3
      ? `${(ns / 1e3).toFixed(2)} µs`
      : `${ns.toFixed(0)} ns`;
}

export function fmtMB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
