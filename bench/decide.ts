/**
 * In-process decision benchmark: the compiled index vs decide() vs a plain
 * nested-Map BASELINE vs CASL vs casbin, on one seeded dataset, in one run.
 *
 *   npx tsx bench/decide.ts            (re-executes itself with --expose-gc)
 *   npm run -w @atrium/bench decide
 *
 * Environment: BENCH_CHECKS (default 1,000,000), BENCH_CASL_CHECKS (default
 * 200,000), BENCH_CASBIN_CHECKS (default 500), BENCH_JSON=path to also
 * write the figures as JSON.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import {
  type CompiledWorkspace,
  compile,
  decide,
  decideRank,
  LEVELS,
  levelRank,
  PERMISSIONS,
  permissionIndex,
  type WorkspaceState,
} from '@atrium/policy';
import { subject as caslSubject } from '@casl/ability';
import { baselineAllows, buildBaseline } from './lib/baseline';
import {
  casbinDomain,
  casbinPolicy,
  casbinPolicyCount,
  casbinSubject,
  loadCasbin,
  matrixKey,
  memberLinks,
  roleLines,
} from './lib/casbin-model';
import { buildCasl, type CaslSubject, caslKey } from './lib/casl-model';
import { buildChecks, buildDataset, pick, prng, randomMatrix } from './lib/dataset';
import {
  cpuNs,
  fmtInt,
  fmtMB,
  fmtNs,
  gc,
  type Latency,
  latency,
  median,
  retained,
  retainedAsync,
  type Throughput,
  throughput,
} from './lib/measure';

if (typeof (globalThis as { gc?: unknown }).gc !== 'function' && !process.env.BENCH_NO_RESPAWN) {
  // Heap figures need --expose-gc: re-run this very script with it.
  const r = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_NO_RESPAWN: '1' },
  });
  process.exit(r.status ?? 1);
}

const N = Number(process.env.BENCH_CHECKS ?? 1_000_000);
const N_CASL = Math.min(N, Number(process.env.BENCH_CASL_CHECKS ?? 200_000));
const N_CASBIN = Math.min(N, Number(process.env.BENCH_CASBIN_CHECKS ?? 500));
const AGREEMENT_SAMPLE = Math.min(N, 200_000);

function log(line = ''): void {
  process.stdout.write(`${line}\n`);
}

const started = performance.now();
function progress(what: string): void {
  process.stderr.write(`  [${((performance.now() - started) / 1000).toFixed(1)} s] ${what}\n`);
}

async function main(): Promise<void> {
  const t0 = performance.now();
  log('# Decision benchmark (bench/decide.ts)');
  log(
    `node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, load average ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );

  // ---- dataset --------------------------------------------------------------------------------
  const ds = retained(() => buildDataset());
  const data = ds.value;
  const { counts } = data;
  log(
    `dataset: ${data.workspaceIds.length} workspaces × ${[...data.states.values()][0]!.agents.size} agents, ` +
      `${fmtInt(data.userIds.length)} users, ${fmtInt(counts.members)} workspace memberships, ` +
      `${fmtInt(counts.agentMembers)} agent memberships, ${counts.apiKeys} API keys, ${counts.caps} caps ` +
      `(WorkspaceState heap ${fmtMB(ds.bytes)})`,
  );
  const checks = buildChecks(data, N, 42);
  const W = checks.ws;
  const S = checks.subject;
  const A = checks.agent;
  const P = checks.permission;
  const L = checks.need;
  log(`checks: ${fmtInt(N)} random (workspace, subject, agent, permission, level) tuples, not grouped`);

  // ---- structures -----------------------------------------------------------------------------
  progress('building structures');
  const compiledR = retained(() => {
    const m = new Map<string, CompiledWorkspace>();
    for (const [ws, s] of data.states) m.set(ws, compile(s));
    return m;
  });
  const compiled = compiledR.value;
  const baselineR = retained(() => buildBaseline(data.states));
  const baseline = baselineR.value;
  progress('building CASL');
  const caslR = retained(() => buildCasl(data.states));
  const casl = caslR.value;
  const casbinText = new Map<string, string>();
  const casbinRoles = new Map<string, Map<string, string>>();
  for (const [ws, s] of data.states) {
    const { text, roles } = casbinPolicy(s);
    casbinText.set(ws, text);
    casbinRoles.set(ws, roles);
  }
  progress('loading casbin');
  const casbinR = await retainedAsync(() => loadCasbin(casbinText));
  const casbin = casbinR.value;
  const casbinLines = casbinPolicyCount(casbin);
  const tableBytes = [...compiled.values()].reduce((n, c) => n + c.stats().tableBytes, 0);

  // CASL needs subject objects; built outside the timed loops (generous to CASL).
  const caslSubjects: CaslSubject[] = [];
  for (let i = 0; i < N_CASL; i++) {
    caslSubjects.push(caslSubject(P[i]!, { ws: W[i]!, agent: A[i]! }) as unknown as CaslSubject);
  }
  const caslKeys = S.slice(0, N_CASL).map(caslKey);
  const casbinSubs = S.slice(0, N_CASBIN).map(casbinSubject);
  const casbinDoms = Array.from({ length: N_CASBIN }, (_, i) => casbinDomain(W[i]!, A[i]!));

  // Pre-resolved indices for the compiled fast path (what a batch endpoint could do per caller).
  const slot = new Int32Array(N);
  const col = new Int32Array(N);
  const pix = new Int8Array(N);
  const needRank = new Int8Array(N);
  for (let i = 0; i < N; i++) {
    const index = compiled.get(W[i]!)!;
    slot[i] = index.principalSlot(S[i]!);
    col[i] = index.agentColumn(A[i]);
    pix[i] = permissionIndex(P[i]!);
    needRank[i] = levelRank(L[i]!);
  }

  // ---- evaluators (one check each, same tuple) ------------------------------------------------
  const states = data.states;
  const fns = {
    compiled: (i: number) => compiled.get(W[i]!)!.allows(S[i]!, A[i], P[i]!, L[i]!),
    fastPath: (i: number) => compiled.get(W[i]!)!.levelByIndex(slot[i]!, col[i]!, pix[i]!) >= needRank[i]!,
    decide: (i: number) => decideRank(states.get(W[i]!)!, S[i]!, A[i], P[i]!) >= levelRank(L[i]!),
    baseline: (i: number) => baselineAllows(baseline, W[i]!, S[i]!, A[i]!, P[i]!, L[i]!),
    casl: (i: number) => casl.get(caslKeys[i]!)?.can(L[i]!, caslSubjects[i]!) ?? false,
    casbin: (i: number) => casbin.get(W[i]!)!.enforceSync(casbinSubs[i]!, casbinDoms[i]!, P[i]!, L[i]!),
  };

  progress('agreement checks');
  // ---- agreement: a fast-but-wrong evaluator must not pass ------------------------------------
  const truth = (i: number) =>
    decide(states.get(W[i]!)!, { subject: S[i]!, agentId: A[i], permission: P[i]! });
  const mismatches: Record<string, number> = { compiled: 0, baseline: 0, casl: 0, casbin: 0 };
  let allowedInSample = 0;
  for (let i = 0; i < AGREEMENT_SAMPLE; i++) {
    const level = truth(i);
    const want = levelRank(level) >= levelRank(L[i]!);
    if (want) allowedInSample++;
    if (fns.compiled(i) !== want) mismatches.compiled!++;
    if (fns.fastPath(i) !== want) mismatches.compiled!++;
    if (compiled.get(W[i]!)!.level(S[i]!, A[i], P[i]!) !== level) mismatches.compiled!++;
    if (fns.baseline(i) !== want) mismatches.baseline!++;
    if (i < N_CASL && fns.casl(i) !== want) mismatches.casl!++;
    if (i < N_CASBIN && fns.casbin(i) !== want) mismatches.casbin!++;
  }
  log(
    `agreement with decide() on ${fmtInt(AGREEMENT_SAMPLE)} checks (${((100 * allowedInSample) / AGREEMENT_SAMPLE).toFixed(1)}% allowed): ` +
      `compiled ${mismatches.compiled} mismatches (level and allows), baseline ${mismatches.baseline}, ` +
      `CASL ${mismatches.casl} (on ${fmtInt(N_CASL)}), casbin ${mismatches.casbin} (on ${fmtInt(N_CASBIN)})`,
  );

  // ---- throughput and latency -----------------------------------------------------------------
  const runs: Record<string, { tp: Throughput; lat: Latency; n: number }> = {};
  const measure = (name: keyof typeof fns, n: number, repeats: number, batch: number) => {
    const fn = fns[name];
    throughput(fn, 0, Math.min(Math.ceil(n / 10), 50_000)); // warm-up
    const tps: Throughput[] = [];
    for (let r = 0; r < repeats; r++) tps.push(throughput(fn, 0, n));
    const perCpuSecond = median(tps.map((t) => t.perCpuSecond));
    const tp = tps.find((t) => t.perCpuSecond === perCpuSecond)!;
    runs[name] = { tp, lat: latency(fn, 0, n, batch), n };
  };
  progress('timing compiled');
  measure('compiled', N, 5, 100);
  progress('timing compiled fast path');
  measure('fastPath', N, 5, 100);
  progress('timing baseline');
  measure('baseline', N, 5, 100);
  progress('timing decide');
  measure('decide', N, 3, 100);
  progress('timing CASL');
  measure('casl', N_CASL, 3, 100);
  progress('timing casbin');
  measure('casbin', N_CASBIN, 1, 10);

  // ---- one changed membership -----------------------------------------------------------------
  // Precompute a sequence of changes (new WorkspaceState per change, as the server would build),
  // so the timed span holds only the index update. The first WARM changes warm the JIT and are
  // applied but not counted.
  progress('membership changes');
  const rand = prng(7);
  const WARM = 100;
  const CHANGES = 1_100;
  const changes: Array<{ ws: string; userId: string; next: WorkspaceState }> = [];
  for (let k = 0; k < CHANGES; k++) {
    const ws = pick(rand, data.workspaceIds);
    const state = states.get(ws)!;
    const userId = pick(rand, [...state.members.keys()]);
    const members = new Map(state.members);
    members.set(userId, {
      ...state.members.get(userId)!,
      role: 'member',
      agentAccess: rand() < 0.5 ? 'all' : 'assigned',
      grant: { matrix: randomMatrix(rand) },
    });
    const next: WorkspaceState = { ...state, members, revision: state.revision + 1 };
    states.set(ws, next);
    changes.push({ ws, userId, next });
  }
  const rebuildsBefore = [...compiled.values()].reduce((n, x) => n + x.stats().rebuilds, 0);
  const updateNs: number[] = [];
  const updateCpuNs: number[] = [];
  gc();
  for (let k = 0; k < CHANGES; k++) {
    const { ws, userId, next } = changes[k]!;
    const index = compiled.get(ws)!;
    const c0 = cpuNs();
    const t = process.hrtime.bigint();
    index.updateMember(next, userId);
    const wall = Number(process.hrtime.bigint() - t);
    const cpu = cpuNs() - c0;
    if (k >= WARM) {
      updateNs.push(wall);
      updateCpuNs.push(cpu);
    }
  }
  const rebuildsDuringUpdates =
    [...compiled.values()].reduce((n, x) => n + x.stats().rebuilds, 0) - rebuildsBefore;
  // Verify: every changed user, on every agent and permission, against the final state.
  let updateMismatches = 0;
  for (const { ws, userId } of changes) {
    const final = states.get(ws)!;
    const index = compiled.get(ws)!;
    for (const agentId of [null, ...final.agents.keys()]) {
      for (const p of PERMISSIONS) {
        if (index.level({ userId }, agentId, p) !== LEVELS[decideRank(final, { userId }, agentId, p)])
          updateMismatches++;
      }
    }
  }
  // casbin: the first 20 changes, in order: add a role for a new matrix, drop the user's role links, add the new ones.
  const casbinUpdateNs: number[] = [];
  const casbinUpdateCpuNs: number[] = [];
  let casbinUpdateMismatches = 0;
  for (const { ws, userId, next } of changes.slice(0, 20)) {
    const e = casbin.get(ws)!;
    const roles = casbinRoles.get(ws)!;
    const newRoles: string[][] = [];
    const roleOf = (m: Parameters<typeof matrixKey>[0]) => {
      const key = matrixKey(m);
      let role = roles.get(key);
      if (!role) {
        role = `grant_${roles.size}`;
        roles.set(key, role);
        newRoles.push(...roleLines(role, m));
      }
      return role;
    };
    const links = memberLinks(next, userId, roleOf);
    const cc = cpuNs();
    const tc = process.hrtime.bigint();
    if (newRoles.length) await e.addPolicies(newRoles);
    await e.removeFilteredGroupingPolicy(0, userId);
    await e.addGroupingPolicies(links);
    casbinUpdateNs.push(Number(process.hrtime.bigint() - tc));
    casbinUpdateCpuNs.push(cpuNs() - cc);
    // casbin checks cost milliseconds each: verify 10 random (agent, permission, level) per change.
    for (let j = 0; j < 10; j++) {
      const agentId = rand() < 0.2 ? null : pick(rand, [...next.agents.keys()]);
      const p = pick(rand, PERMISSIONS);
      const need = rand() < 0.5 ? 'read' : 'edit';
      const want = decideRank(next, { userId }, agentId, p) >= levelRank(need);
      if (e.enforceSync(userId, casbinDomain(ws, agentId), p, need) !== want) casbinUpdateMismatches++;
    }
  }
  updateNs.sort((a, b) => a - b);
  updateCpuNs.sort((a, b) => a - b);
  casbinUpdateNs.sort((a, b) => a - b);
  casbinUpdateCpuNs.sort((a, b) => a - b);
  const pct = (xs: number[], q: number) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

  // ---- report -------------------------------------------------------------------------------------
  const c = runs.compiled!;
  const rows: Array<[string, keyof typeof fns, number | null]> = [
    ['compiled index: `level()`/`allows()` with ids', 'compiled', compiledR.bytes],
    ['compiled index: `levelByIndex()` (indices resolved beforehand)', 'fastPath', null],
    ['nested-Map BASELINE', 'baseline', baselineR.bytes],
    ['`decide()` on the WorkspaceState maps', 'decide', ds.bytes],
    ['CASL `ability.can()`', 'casl', caslR.bytes],
    ['casbin `enforceSync()`', 'casbin', casbinR.bytes],
  ];
  log();
  log(
    'Throughput and p50/p99 in CPU time of this process (see docs/permission-model.md); wall-clock p99 alongside.',
  );
  log();
  log(
    '| evaluator | checks timed | checks/s (CPU) | checks/s (wall) | p50 / check (CPU) | p99 / check (CPU) | p99 / check (wall) | heap, whole dataset | compiled is × faster (CPU) |',
  );
  log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const [label, key, bytes] of rows) {
    const r = runs[key]!;
    log(
      `| ${label} | ${fmtInt(r.n)} | ${fmtInt(r.tp.perCpuSecond)} | ${fmtInt(r.tp.perSecond)} | ${fmtNs(r.lat.cpu.p50)} | ${fmtNs(r.lat.cpu.p99)} | ${fmtNs(r.lat.wall.p99)} | ${bytes === null ? '(same)' : fmtMB(bytes)} | ${key === 'compiled' ? '—' : (c.tp.perCpuSecond / r.tp.perCpuSecond).toFixed(1)} |`,
    );
  }
  log();
  log(`latency batches: ${runs.compiled!.lat.batch} checks (casbin: ${runs.casbin!.lat.batch})`);
  log(
    `compiled index: packed level table ${fmtMB(tableBytes)}, total retained ${fmtMB(compiledR.bytes)}, compile of all ${compiled.size} workspaces ${compiledR.cpuMs.toFixed(0)} ms CPU (${compiledR.ms.toFixed(0)} ms wall)`,
  );
  log(
    `casbin: ${fmtInt(casbinLines.p)} p lines + ${fmtInt(casbinLines.g)} g lines in ${casbin.size} enforcers, load ${fmtInt(casbinR.cpuMs)} ms CPU (${fmtInt(casbinR.ms)} ms wall)`,
  );
  log(
    `CASL: ${fmtInt(casl.size)} abilities built in ${fmtInt(caslR.cpuMs)} ms CPU (${fmtInt(caslR.ms)} ms wall)`,
  );
  log(
    `one changed membership, compiled updateMember (${updateNs.length} changes after ${WARM} warm-up, ${rebuildsDuringUpdates} full rebuilds, ${updateMismatches} mismatches after): ` +
      `CPU median ${fmtNs(pct(updateCpuNs, 0.5))}, p99 ${fmtNs(pct(updateCpuNs, 0.99))}, max ${fmtNs(updateCpuNs.at(-1)!)}; ` +
      `wall median ${fmtNs(pct(updateNs, 0.5))}, p99 ${fmtNs(pct(updateNs, 0.99))}, max ${fmtNs(updateNs.at(-1)!)}`,
  );
  log(
    `one changed membership, casbin remove + add role links (${casbinUpdateNs.length} changes, ${casbinUpdateMismatches} mismatches after): ` +
      `CPU median ${fmtNs(pct(casbinUpdateCpuNs, 0.5))}, max ${fmtNs(casbinUpdateCpuNs.at(-1)!)}; ` +
      `wall median ${fmtNs(pct(casbinUpdateNs, 0.5))}, max ${fmtNs(casbinUpdateNs.at(-1)!)}`,
  );
  const ratio = (k: keyof typeof fns) => c.tp.perCpuSecond / runs[k]!.tp.perCpuSecond;
  const targets: Array<[string, boolean]> = [
    [`compiled ≥ 3× baseline (${ratio('baseline').toFixed(1)}×)`, ratio('baseline') >= 3],
    [`compiled ≥ 40× CASL (${ratio('casl').toFixed(1)}×)`, ratio('casl') >= 40],
    [`compiled ≥ 150× casbin (${fmtInt(ratio('casbin'))}×)`, ratio('casbin') >= 150],
    [
      `compiled p99 ≤ 2 µs (CPU ${fmtNs(c.lat.cpu.p99)}, wall ${fmtNs(c.lat.wall.p99)})`,
      c.lat.cpu.p99 <= 2000,
    ],
    [`index heap ≤ 10 MB (${fmtMB(compiledR.bytes)})`, compiledR.bytes <= 10 * 1024 * 1024],
    [
      `membership change ≤ 1 ms (CPU p99 ${fmtNs(pct(updateCpuNs, 0.99))}, max ${fmtNs(updateCpuNs.at(-1)!)})`,
      pct(updateCpuNs, 0.99) <= 1e6,
    ],
    [
      'every evaluator agrees with decide()',
      Object.values(mismatches).every((x) => x === 0) &&
        updateMismatches === 0 &&
        casbinUpdateMismatches === 0,
    ],
  ];
  log();
  for (const [label, ok] of targets) log(`${ok ? 'PASS' : 'FAIL'}  ${label}`);
  log();
  log(
    `total bench time ${((performance.now() - t0) / 1000).toFixed(1)} s, load average now ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );

  if (process.env.BENCH_JSON) {
    writeFileSync(
      process.env.BENCH_JSON,
      JSON.stringify(
        {
          node: process.version,
          loadavg: os.loadavg(),
          counts,
          runs,
          heap: {
            compiled: compiledR.bytes,
            baseline: baselineR.bytes,
            state: ds.bytes,
            casl: caslR.bytes,
            casbin: casbinR.bytes,
          },
          casbin: { loadMs: casbinR.ms, lines: casbinLines },
          update: {
            compiledNs: updateNs,
            compiledCpuNs: updateCpuNs,
            casbinNs: casbinUpdateNs,
            casbinCpuNs: casbinUpdateCpuNs,
          },
          mismatches,
        },
        null,
        2,
      ),
    );
  }
  const correct = targets.at(-1)![1];
  process.exit(correct ? 0 : 1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
