import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema';
import { chainHead, chainKey, GLOBAL_CHAIN, lockChain } from './record';

/**
 * Signed seals of the activity chains' heads (issue 14, "A chain an insider
 * can rewrite"; docs/audit.md "Signed seals"). The hash chain alone only
 * proves that entries fit together: someone who can write to the database
 * can edit an entry and recompute every hash after it. A seal is an Ed25519
 * signature over a chain's head (seq and hash) with a key that lives in the
 * server's configuration, not in the database, so a rewrite or truncation of
 * anything up to the last seal no longer verifies.
 */

/** The signing key and what is published of it (`GET /v1/audit/seal-key`). */
export interface SealKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** First 16 hex characters of SHA-256 over the raw 32-byte public key. */
  keyId: string;
  /** The raw public key, base64. */
  publicKeyRaw: string;
  /** The public key as SPKI PEM. */
  pem: string;
}

/** The DER prefix that turns a raw 32-byte Ed25519 seed into a PKCS#8 private key. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Raw 32-byte Ed25519 public key: the last 32 bytes of its SPKI DER. */
function rawPublicKey(publicKey: KeyObject): Buffer {
  return publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
}

/** Derives the public half, key id and PEM from an Ed25519 private key. */
export function sealKeyFrom(privateKey: KeyObject): SealKey {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 private key');
  const publicKey = createPublicKey(privateKey);
  const raw = rawPublicKey(publicKey);
  return {
    privateKey,
    publicKey,
    keyId: createHash('sha256').update(raw).digest('hex').slice(0, 16),
    publicKeyRaw: raw.toString('base64'),
    pem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

/**
 * Reads `ATRIUM_AUDIT_SIGNING_KEY`: an Ed25519 private key as PKCS#8 PEM, or
 * the base64 of its 32-byte seed. Throws a one-line message otherwise.
 */
export function parseSealKey(text: string): SealKey {
  const trimmed = text.trim();
  let privateKey: KeyObject;
  try {
    if (trimmed.includes('-----BEGIN')) {
      // Environment files often carry the PEM with literal "\n".
      privateKey = createPrivateKey({ key: trimmed.replace(/\\n/g, '\n'), format: 'pem' });
    } else {
      const seed = Buffer.from(trimmed, 'base64');
      if (seed.length !== 32 || seed.toString('base64').replace(/=+$/, '') !== trimmed.replace(/=+$/, '')) {
        throw new Error('seed');
      }
      privateKey = createPrivateKey({
        key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
        format: 'der',
        type: 'pkcs8',
      });
    }
  } catch {
    throw new Error('must be an Ed25519 private key (PKCS#8 PEM, or the base64 of its 32-byte seed)');
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`must be an Ed25519 private key, got ${privateKey.asymmetricKeyType ?? 'another kind'}`);
  }
  return sealKeyFrom(privateKey);
}

/** A fresh key (development without `ATRIUM_AUDIT_SIGNING_KEY`: seals then outlive it unverifiable). */
export function generateSealKey(): SealKey {
  return sealKeyFrom(generateKeyPairSync('ed25519').privateKey);
}

/** The exact bytes a seal signs. */
export function sealMessage(workspaceId: string | null, seq: number, hash: string): Buffer {
  return Buffer.from(`atrium-activity-seal:v1\n${workspaceId ?? 'global'}\n${seq}\n${hash}`, 'utf8');
}

/** Base64 Ed25519 signature of one chain head. */
export function signSeal(key: SealKey, workspaceId: string | null, seq: number, hash: string): string {
  return sign(null, sealMessage(workspaceId, seq, hash), key.privateKey).toString('base64');
}

/** Whether `signature` is `key`'s signature of that head. */
export function sealSignatureValid(
  key: Pick<SealKey, 'publicKey'>,
  seal: { workspaceId: string | null; seq: number; hash: string; signature: string },
): boolean {
  try {
    return verify(
      null,
      sealMessage(seal.workspaceId, seal.seq, seal.hash),
      key.publicKey,
      Buffer.from(seal.signature, 'base64'),
    );
  } catch {
    return false;
  }
}

/** One stored seal. */
export interface Seal {
  id: number;
  workspaceId: string | null;
  seq: number;
  hash: string;
  keyId: string;
  signature: string;
  createdAt: Date;
}

type Db = Transaction<DB> | Kysely<DB>;

function toSeal(row: {
  id: number | string;
  workspace_id: string | null;
  seq: number | string;
  hash: string;
  key_id: string;
  signature: string;
  created_at: Date;
}): Seal {
  return {
    id: Number(row.id),
    workspaceId: row.workspace_id,
    seq: Number(row.seq),
    hash: row.hash,
    keyId: row.key_id,
    signature: row.signature,
    createdAt: row.created_at,
  };
}

/** Every seal of a chain, oldest first. */
export async function chainSeals(db: Db, workspaceId: string | null): Promise<Seal[]> {
  const rows = await db
    .selectFrom('activity_seals')
    .selectAll()
    .where(chainKey(), '=', workspaceId ?? GLOBAL_CHAIN)
    .orderBy('seq', 'asc')
    .execute();
  return rows.map(toSeal);
}

/** The newest seal of a chain, whoever signed it. */
export async function lastSeal(db: Db, workspaceId: string | null): Promise<Seal | null> {
  const row = await db
    .selectFrom('activity_seals')
    .selectAll()
    .where(chainKey(), '=', workspaceId ?? GLOBAL_CHAIN)
    .orderBy(chainKey(), 'desc')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toSeal(row) : null;
}

/**
 * Seals a chain's current head, unless it is empty or already sealed there.
 * Takes the chain's lock so the head read is the head at commit; two
 * instances sealing at once collide on the (chain, seq) index and the later
 * one writes nothing. Resolves with the new seal's seq and hash, or null.
 */
export async function sealChain(
  db: Kysely<DB>,
  key: SealKey,
  workspaceId: string | null,
): Promise<{ seq: number; hash: string } | null> {
  const ws = workspaceId?.toLowerCase() ?? null;
  return db.transaction().execute(async (tx) => {
    await lockChain(tx, ws);
    const head = await chainHead(tx, ws);
    if (head.seq === 0) return null;
    const last = await lastSeal(tx, ws);
    if (last && last.seq >= head.seq) return null;
    const inserted = await tx
      .insertInto('activity_seals')
      .values({
        workspace_id: ws,
        seq: head.seq,
        hash: head.hash,
        key_id: key.keyId,
        signature: signSeal(key, ws, head.seq, head.hash),
      })
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted ? head : null;
  });
}

/** Every chain that has entries: workspace ids, null for the global chain. */
export async function chainsWithEntries(db: Db, afterId = 0): Promise<(string | null)[]> {
  const rows = await db
    .selectFrom('activity_log')
    .select('workspace_id')
    .distinct()
    .where('id', '>', String(afterId))
    .execute();
  return rows.map((r) => r.workspace_id);
}
