import { createHmac, timingSafeEqual } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, SignJWT, UnsecuredJWT, type JWTPayload } from 'jose';

export function isJwt(token: string | undefined): token is string {
  if (token?.split('.').length !== 3) return false;
  try {
    decodeProtectedHeader(token);
    decodeJwt(token);
    return true;
  } catch {
    return false;
  }
}

export function claims(token: string): JWTPayload {
  return decodeJwt(token);
}
export function header(token: string): Record<string, unknown> {
  return decodeProtectedHeader(token) as Record<string, unknown>;
}

/** Same claims, `alg: none`, no signature. */
export function algNone(token: string): string {
  return new UnsecuredJWT(claims(token)).encode();
}

/** Payload changed (claim set to value), header and original signature kept. */
export function tamper(token: string, claim: string, value: unknown): string {
  const [h, , s] = token.split('.');
  const payload = { ...claims(token), [claim]: value };
  return `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
}

/** A token signed with the given secret, same claims, exp an hour in the past unless `times` says otherwise. */
export async function expired(
  token: string,
  secret: string,
  times?: { iat: number; exp: number; base?: JWTPayload },
): Promise<string> {
  const alg = String(header(token).alg ?? 'HS256');
  const now = Math.floor(Date.now() / 1000);
  const { exp: _e, iat: _i, nbf: _n, ...rest } = times?.base ?? claims(token);
  return new SignJWT(rest)
    .setProtectedHeader({ alg, typ: 'JWT' })
    .setIssuedAt(times?.iat ?? now - 7200)
    .setExpirationTime(times?.exp ?? now - 3600)
    .sign(new TextEncoder().encode(secret));
}

/** Secrets from the list that verify the token's signature (HMAC tokens only; others cannot be checked this way). */
export function weakSecretsThatVerify(token: string, secrets: string[]): string[] {
  const alg = String(header(token).alg ?? '');
  const m = /^HS(256|384|512)$/.exec(alg);
  if (!m) return [];
  const [h, p, sig] = token.split('.') as [string, string, string];
  const given = Buffer.from(sig, 'base64url');
  // Plain HMAC rather than a JWT library: libraries refuse short keys, and short keys are exactly what we look for.
  return secrets.filter((s) => {
    const mac = createHmac(`sha${m[1]}`, s).update(`${h}.${p}`).digest();
    return mac.length === given.length && timingSafeEqual(mac, given);
  });
}
