import Database from 'better-sqlite3';
import type { Dialect } from './dialects.ts';
import { amountOut, currencyOut } from './money.ts';

export type Db = Database.Database;

export interface UserRow {
  id: number;
  email: string;
  password_hash: string;
  full_name: string;
  role: 'client' | 'manufacturer' | 'admin';
  is_verified: number;
  failed_logins: number;
  locked_until: number;
}

export interface OrderRow {
  id: number;
  client_id: number;
  manufacturer_id: number;
  amount_cents: number;
  currency: string;
  description: string;
  status: 'pending_payment' | 'funded' | 'delivered' | 'released';
  payment_intent_id: string;
  funded_cents: number;
}

export interface MilestoneRow {
  id: number;
  order_id: number;
  title: string;
  amount_cents: number;
  approved: number;
}

const SCHEMA = `
CREATE TABLE users (
  id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE COLLATE NOCASE, password_hash TEXT NOT NULL,
  full_name TEXT NOT NULL, role TEXT NOT NULL, is_verified INTEGER NOT NULL DEFAULT 0,
  failed_logins INTEGER NOT NULL DEFAULT 0, locked_until INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL
);
CREATE TABLE verification_tokens (
  token_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id), expires_at INTEGER NOT NULL, used_at INTEGER
);
CREATE TABLE refresh_tokens (
  token_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id), access_jti TEXT NOT NULL,
  expires_at INTEGER NOT NULL, used_at INTEGER, revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE revoked_jti (jti TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY, client_id INTEGER NOT NULL REFERENCES users(id), manufacturer_id INTEGER NOT NULL REFERENCES users(id),
  amount_cents INTEGER NOT NULL, currency TEXT NOT NULL, description TEXT NOT NULL, status TEXT NOT NULL,
  payment_intent_id TEXT NOT NULL UNIQUE, funded_cents INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL
);
CREATE TABLE milestones (
  id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders(id), title TEXT NOT NULL,
  amount_cents INTEGER NOT NULL, approved INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE webhook_events (id TEXT PRIMARY KEY, received_at INTEGER NOT NULL);
CREATE INDEX orders_client ON orders(client_id);
CREATE INDEX orders_manufacturer ON orders(manufacturer_id);
CREATE INDEX milestones_order ON milestones(order_id);
`;

/** Opens a fresh database file and creates the schema. */
export function openDatabase(file: string): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.exec(SCHEMA);
  return db;
}

export function insertUser(
  db: Db,
  u: { email: string; passwordHash: string; fullName: string; role: string; verified: boolean },
): number {
  const r = db
    .prepare(
      'INSERT INTO users (email, password_hash, full_name, role, is_verified, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    )
    .run(u.email, u.passwordHash, u.fullName, u.role, u.verified ? 1 : 0, Date.now());
  return Number(r.lastInsertRowid);
}

export function userByEmail(db: Db, email: string): UserRow | undefined {
  return db.prepare('SELECT * FROM users WHERE email = ?').get(email) as UserRow | undefined;
}

export function userById(db: Db, id: number): UserRow | undefined {
  return db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
}

export function orderById(db: Db, id: number): OrderRow | undefined {
  return db.prepare('SELECT * FROM orders WHERE id = ?').get(id) as OrderRow | undefined;
}

export function milestonesOf(db: Db, orderId: number): MilestoneRow[] {
  return db.prepare('SELECT * FROM milestones WHERE order_id = ? ORDER BY id').all(orderId) as MilestoneRow[];
}

/** The public shape of an order, in the dialect's field names and state words. */
export function orderJson(db: Db, o: OrderRow, d: Dialect): Record<string, unknown> {
  const f = d.escrow.fields;
  const states = {
    pending_payment: d.escrow.states.pending,
    funded: d.escrow.states.funded,
    delivered: d.escrow.states.delivered,
    released: d.escrow.states.released,
  };
  const out: Record<string, unknown> = {
    [f.id]: o.id,
    client_id: o.client_id,
    [f.counterparty]: o.manufacturer_id,
    [f.state]: states[o.status],
    [f.amount]: amountOut(d, o.amount_cents),
    currency: currencyOut(d, o.currency),
    [f.funded]: amountOut(d, o.funded_cents),
    description: o.description,
  };
  if (d.escrow.payment === 'on-create') out.payment_intent_id = o.payment_intent_id;
  if (d.escrow.fulfil === 'approve-milestones') {
    out.milestones = milestonesOf(db, o.id).map((m) => ({
      id: m.id,
      title: m.title,
      [f.amount]: amountOut(d, m.amount_cents),
      approved: m.approved === 1,
    }));
  }
  return out;
}
