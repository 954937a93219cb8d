import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, UnsecuredJWT, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import type { Db, UserRow } from './db.ts';
import type { FlawSet } from './flaws.ts';
import { roleOf, type Dialect } from './dialects.ts';

export interface Principal {
  id: number;
  email: string;
  role: UserRow['role'];
  jti: string;
  exp: number;
}

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: 'bearer';
  expires_in: number;
}

const REFRESH_LIFETIME_S = 7 * 86_400;

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Issues, verifies, rotates and revokes the platform's tokens (HS256 access JWTs, opaque refresh tokens). */
export class TokenService {
  private readonly key: Uint8Array;
  readonly accessLifetimeS: number;

  constructor(
    private readonly db: Db,
    secret: string,
    private readonly flaws: FlawSet,
    private readonly dialect: Dialect,
    accessTtlS?: number | null,
  ) {
    this.key = new TextEncoder().encode(secret);
    this.accessLifetimeS = flaws.has('long-lived-tokens') ? 86_400 : (accessTtlS ?? 900);
  }

  async issue(user: Pick<UserRow, 'id' | 'email' | 'role'>): Promise<TokenPair> {
    const jti = randomUUID();
    const now = Math.floor(Date.now() / 1000);
    const access = await new SignJWT({ email: user.email, role: this.dialect.roles[user.role], typ: 'access' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(String(user.id))
      .setJti(jti)
      .setIssuedAt(now)
      .setExpirationTime(now + this.accessLifetimeS)
      .sign(this.key);
    const refresh = randomBytes(32).toString('base64url');
    this.db
      .prepare('INSERT INTO refresh_tokens (token_hash, user_id, access_jti, expires_at) VALUES (?, ?, ?, ?)')
      .run(sha256(refresh), user.id, jti, Date.now() + REFRESH_LIFETIME_S * 1000);
    return { access_token: access, refresh_token: refresh, token_type: 'bearer', expires_in: this.accessLifetimeS };
  }

  /** The principal of a valid access token, or null. */
  async verify(token: string): Promise<Principal | null> {
    let payload: JWTPayload;
    try {
      const header = decodeProtectedHeader(token);
      if (header.alg === 'none' && this.flaws.has('alg-none')) {
        payload = UnsecuredJWT.decode(token).payload;
      } else {
        payload = (await jwtVerify(token, this.key, { algorithms: ['HS256'] })).payload;
      }
    } catch (e) {
      // jose verifies the signature before the claims, so an expired token's payload is authentic here.
      if (e instanceof errors.JWTExpired && this.flaws.has('expired-token-accepted')) payload = e.payload;
      else if (e instanceof errors.JWSSignatureVerificationFailed && this.flaws.has('tampered-token-accepted')) {
        // Only the signature is skipped: the algorithm allow-list above already ran, and expiry is still enforced.
        payload = decodeJwt(token);
        if (typeof payload.exp !== 'number' || payload.exp * 1000 < Date.now()) return null;
      } else return null;
    }
    if (payload.typ !== 'access' || typeof payload.jti !== 'string' || typeof payload.sub !== 'string') return null;
    if (this.db.prepare('SELECT 1 FROM revoked_jti WHERE jti = ?').get(payload.jti)) return null;
    const role = roleOf(this.dialect, payload.role);
    if (!role) return null;
    return {
      id: Number(payload.sub),
      email: String(payload.email ?? ''),
      role,
      jti: payload.jti,
      exp: payload.exp ?? 0,
    };
  }

  /** Rotates a refresh token: the new pair, or null when it is unknown, expired, revoked or already used. */
  async rotate(refresh: string, userOf: (id: number) => UserRow | undefined): Promise<TokenPair | null> {
    const row = this.db.prepare('SELECT * FROM refresh_tokens WHERE token_hash = ?').get(sha256(refresh)) as
      | { token_hash: string; user_id: number; expires_at: number; used_at: number | null; revoked: number }
      | undefined;
    if (!row || row.revoked || row.expires_at < Date.now()) return null;
    if (row.used_at !== null && !this.flaws.has('refresh-reuse')) {
      // Reuse means the token leaked: revoke every refresh token of the user, as OAuth 2.0 BCP advises.
      this.db.prepare('UPDATE refresh_tokens SET revoked = 1 WHERE user_id = ?').run(row.user_id);
      return null;
    }
    const user = userOf(row.user_id);
    if (!user) return null;
    this.db.prepare('UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ?').run(Date.now(), row.token_hash);
    return this.issue(user);
  }

  /** Blacklists one refresh token (simplejwt's token blacklist): the access tokens already issued stay valid until they expire. */
  revokeRefresh(refresh: string): void {
    this.db.prepare('UPDATE refresh_tokens SET revoked = 1 WHERE token_hash = ?').run(sha256(refresh));
  }

  /** Revokes the access token and the refresh tokens issued with it. */
  revoke(p: Principal): void {
    this.db.prepare('INSERT OR IGNORE INTO revoked_jti (jti, expires_at) VALUES (?, ?)').run(p.jti, p.exp * 1000);
    this.db.prepare('UPDATE refresh_tokens SET revoked = 1 WHERE access_jti = ?').run(p.jti);
  }
}
