/**
 * Embedded default store: one SQLite file under the data root, WAL mode, one transaction per
 * commit. Documents are JSON, so the schema never migrates for a new field.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Store, StoreKind, StoreOp } from '../store.js';

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly getStatement: Database.Statement<[string, string], { body: string }>;
  private readonly listStatement: Database.Statement<[string], { body: string }>;
  private readonly putStatement: Database.Statement<[string, string, string]>;
  private readonly deleteStatement: Database.Statement<[string, string]>;
  private readonly commitTransaction: (ops: readonly StoreOp[]) => void;

  constructor(file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS objects (kind TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (kind, id))',
    );
    this.getStatement = this.db.prepare('SELECT body FROM objects WHERE kind = ? AND id = ?');
    this.listStatement = this.db.prepare('SELECT body FROM objects WHERE kind = ? ORDER BY rowid');
    this.putStatement = this.db.prepare(
      'INSERT INTO objects (kind, id, body) VALUES (?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body',
    );
    this.deleteStatement = this.db.prepare('DELETE FROM objects WHERE kind = ? AND id = ?');
    this.commitTransaction = this.db.transaction((ops: readonly StoreOp[]) => {
      for (const op of ops) {
        if (op.op === 'put') this.putStatement.run(op.kind, op.id, JSON.stringify(op.value));
        else this.deleteStatement.run(op.kind, op.id);
      }
    });
  }

  async get<T>(kind: StoreKind, id: string): Promise<T | undefined> {
    const row = this.getStatement.get(kind, id);
    return row ? (JSON.parse(row.body) as T) : undefined;
  }

  async list<T>(kind: StoreKind): Promise<T[]> {
    return this.listStatement.all(kind).map((row) => JSON.parse(row.body) as T);
  }

  async commit(ops: readonly StoreOp[]): Promise<void> {
    this.commitTransaction(ops);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
