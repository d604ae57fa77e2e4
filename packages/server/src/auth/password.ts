import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCb) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/**
 * scrypt (memory-hard, in Node's own crypto: no native addon to build).
 * N = 2^15, r = 8 → 32 MiB per hash. Stored as a PHC-style string so the
 * parameters can be raised later and old hashes still verify.
 */
const PARAMS = { ln: 15, r: 8, p: 1 };
const KEY_LENGTH = 32;

function options(ln: number, r: number, p: number) {
  const N = 2 ** ln;
  return { N, r, p, maxmem: 256 * N * r };
}

/** Hashes a new password (scrypt, random salt) into a self-describing PHC-style string. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(
    password.normalize('NFKC'),
    salt,
    KEY_LENGTH,
    options(PARAMS.ln, PARAMS.r, PARAMS.p),
  );
  return `$scrypt$ln=${PARAMS.ln},r=${PARAMS.r},p=${PARAMS.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Checks a password against a stored hash in constant time, with the parameters the hash records. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([\w-]+)\$([\w-]+)$/.exec(stored);
  if (!match) return false;
  const [, ln, r, p, salt, expected] = match as unknown as [string, string, string, string, string, string];
  const want = Buffer.from(expected, 'base64url');
  const got = await scrypt(
    password.normalize('NFKC'),
    Buffer.from(salt, 'base64url'),
    want.length,
    options(Number(ln), Number(r), Number(p)),
  );
  return got.length === want.length && timingSafeEqual(got, want);
}
