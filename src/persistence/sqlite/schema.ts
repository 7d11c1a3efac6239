import type { Migration } from './migrations';

/** The scope of the stores' migrations in `schema_migrations`. */
export const STORES_SCOPE = 'stores';

/**
 * The stores' schema. Append new steps with the next number; never edit a step that has shipped.
 *
 * Times are epoch milliseconds (INTEGER) so comparisons and day bucketing are plain arithmetic. Each
 * PAKN keeps its whole document as JSON in `doc` (the source of truth for reads by code) and copies
 * the fields that lists, filters and statistics use into indexed columns.
 */
// ---- Migration 8 (statistics counters). Frozen with the step: change them only through a new step. ----

/** `X.col`'s local day in Vietnam (UTC+7 all year) as the integer YYYYMMDD; YYYYMMDD / 100 is its month YYYYMM. */
function vnDay(p: 'NEW' | 'OLD', col: string): string {
  return `CAST(strftime('%Y%m%d', ${p}.${col} / 1000, 'unixepoch', '+7 hours') AS INTEGER)`;
}

/**
 * The start of the time-to-answer class of `ms` (an expression): the classes of src/domain/answer-time.ts,
 * 1 hour wide under 2 days, 3 hours to 7 days, 12 hours to 30 days, 1 day to 90 days, 7 days beyond.
 */
function answerClassSql(ms: string): string {
  const H = 3_600_000;
  const D = 24 * H;
  const tier = (from: number, width: number) => `${ms} - (${ms} - ${from}) % ${width}`;
  return `(CASE WHEN ${ms} < 0 THEN 0
    WHEN ${ms} < ${2 * D} THEN ${tier(0, H)}
    WHEN ${ms} < ${7 * D} THEN ${tier(2 * D, 3 * H)}
    WHEN ${ms} < ${30 * D} THEN ${tier(7 * D, 12 * H)}
    WHEN ${ms} < ${90 * D} THEN ${tier(30 * D, D)}
    ELSE ${tier(90 * D, 7 * D)} END)`;
}

const OPEN_SQL = "('received', 'processing', 'awaiting_info')";

/** Each counter is kept for the PAKN's owner and for '*' (every owner), per local day and per local month. */
function keys(p: 'NEW' | 'OLD', col: string): Array<[string, string]> {
  const day = vnDay(p, col);
  return [
    [`${p}.owner`, day],
    [`${p}.owner`, `${day} / 100`],
    [`'*'`, day],
    [`'*'`, `${day} / 100`],
  ];
}

function receivedRows(p: 'NEW' | 'OLD', sign: number, dims: ReadonlyArray<[string, string]>): string[] {
  return dims.flatMap(([dim, value]) =>
    keys(p, 'created_at').map(([owner, slot]) => `('${dim}', ${owner}, ${slot}, ${value}, ${sign})`),
  );
}

const RECEIVED_DIMS: ReadonlyArray<[string, string]> = [
  ['s', 'X.status'],
  ['c', 'X.channel'],
  ['k', 'X.category'],
  ['t', "''"],
];

function upsertReceived(rows: string[]): string {
  return `INSERT INTO stats_received (dim, owner, slot, value, n) VALUES ${rows.join(', ')}
    ON CONFLICT (dim, owner, slot, value) DO UPDATE SET n = n + excluded.n;`;
}

function receivedOf(p: 'NEW' | 'OLD', sign: number, dims = RECEIVED_DIMS): string[] {
  return receivedRows(
    p,
    sign,
    dims.map(([d, v]) => [d, v.replace('X.', `${p}.`)]),
  );
}

/** The answer counters of `p` (when it has an answer) with `sign`. */
function answeredOf(p: 'NEW' | 'OLD', sign: number): string {
  const k = keys(p, 'answered_at');
  const onTime = `${sign} * (${p}.answered_at <= ${p}.due_at)`;
  const cls = answerClassSql(`(${p}.answered_at - ${p}.created_at)`);
  return `
    INSERT INTO stats_answered (owner, slot, answered, on_time)
      SELECT * FROM (VALUES ${k.map(([o, s]) => `(${o}, ${s}, ${sign}, ${onTime})`).join(', ')})
      WHERE ${p}.answered_at IS NOT NULL
      ON CONFLICT (owner, slot) DO UPDATE SET answered = answered + excluded.answered, on_time = on_time + excluded.on_time;
    INSERT INTO stats_answer_time (owner, slot, class, n)
      SELECT * FROM (VALUES ${k.map(([o, s]) => `(${o}, ${s}, ${cls}, ${sign})`).join(', ')})
      WHERE ${p}.answered_at IS NOT NULL
      ON CONFLICT (owner, slot, class) DO UPDATE SET n = n + excluded.n;`;
}

/** The open-by-day-of-receipt counters of `p` (when it is open) with `sign`; per day only. */
function openOf(p: 'NEW' | 'OLD', sign: number): string {
  const day = vnDay(p, 'created_at');
  return `
    INSERT INTO stats_open (owner, day, n)
      SELECT * FROM (VALUES (${p}.owner, ${day}, ${sign}), ('*', ${day}, ${sign}))
      WHERE ${p}.status IN ${OPEN_SQL}
      ON CONFLICT (owner, day) DO UPDATE SET n = n + excluded.n;`;
}

function differ(cols: string[]): string {
  return cols.map((c) => `OLD.${c} IS NOT NEW.${c}`).join(' OR ');
}

/** Day-level counters from the rows (one grouped scan each), then '*' and months summed from those. */
function backfill(db: Parameters<Migration['up']>[0]): void {
  const created = vnDay('NEW', 'created_at').replace('NEW.', '');
  const answered = vnDay('NEW', 'answered_at').replace('NEW.', '');
  for (const [dim, col] of [
    ['s', 'status'],
    ['c', 'channel'],
    ['k', 'category'],
    ['t', "''"],
  ] as const) {
    db.exec(`INSERT INTO stats_received (dim, owner, slot, value, n)
      SELECT '${dim}', owner, ${created}, ${col}, count(*) FROM complaints GROUP BY 2, 3, 4`);
  }
  db.exec(`
    INSERT INTO stats_received (dim, owner, slot, value, n)
      SELECT dim, '*', slot, value, sum(n) FROM stats_received GROUP BY dim, slot, value;
    INSERT INTO stats_received (dim, owner, slot, value, n)
      SELECT dim, owner, slot / 100, value, sum(n) FROM stats_received GROUP BY dim, owner, slot / 100, value;

    INSERT INTO stats_answered (owner, slot, answered, on_time)
      SELECT owner, ${answered}, count(*), sum(answered_at <= due_at) FROM complaints
      WHERE answered_at IS NOT NULL GROUP BY 1, 2;
    INSERT INTO stats_answered (owner, slot, answered, on_time)
      SELECT '*', slot, sum(answered), sum(on_time) FROM stats_answered GROUP BY slot;
    INSERT INTO stats_answered (owner, slot, answered, on_time)
      SELECT owner, slot / 100, sum(answered), sum(on_time) FROM stats_answered GROUP BY owner, slot / 100;

    INSERT INTO stats_answer_time (owner, slot, class, n)
      SELECT owner, ${answered}, ${answerClassSql('(answered_at - created_at)')}, count(*) FROM complaints
      WHERE answered_at IS NOT NULL GROUP BY 1, 2, 3;
    INSERT INTO stats_answer_time (owner, slot, class, n)
      SELECT '*', slot, class, sum(n) FROM stats_answer_time GROUP BY slot, class;
    INSERT INTO stats_answer_time (owner, slot, class, n)
      SELECT owner, slot / 100, class, sum(n) FROM stats_answer_time GROUP BY owner, slot / 100, class;

    INSERT INTO stats_open (owner, day, n)
      SELECT owner, ${created}, count(*) FROM complaints WHERE status IN ${OPEN_SQL} GROUP BY 1, 2;
    INSERT INTO stats_open (owner, day, n)
      SELECT '*', day, sum(n) FROM stats_open GROUP BY day;
  `);
}

export const STORE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'complaints, coordinators, search, outbox',
    up(db) {
      db.exec(`
        CREATE TABLE complaints (
          id INTEGER PRIMARY KEY,
          code TEXT NOT NULL UNIQUE,
          title TEXT NOT NULL,
          status TEXT NOT NULL,
          owner TEXT NOT NULL,
          channel TEXT NOT NULL,
          category TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          due_at INTEGER NOT NULL,
          answered_at INTEGER,
          published INTEGER NOT NULL DEFAULT 0,
          version INTEGER NOT NULL,
          phone TEXT,
          email TEXT,
          doc TEXT NOT NULL
        );
        -- The list order (created_at desc, code desc) and the keyset cursor.
        CREATE INDEX complaints_created ON complaints (created_at, code);
        CREATE INDEX complaints_owner ON complaints (owner, created_at, code);
        CREATE INDEX complaints_status_owner ON complaints (status, owner, created_at, code);
        CREATE INDEX complaints_channel ON complaints (channel, created_at);
        CREATE INDEX complaints_category ON complaints (category, created_at);
        CREATE INDEX complaints_open_due ON complaints (due_at)
          WHERE status IN ('received', 'processing', 'awaiting_info');
        CREATE INDEX complaints_answered ON complaints (answered_at) WHERE answered_at IS NOT NULL;
        CREATE INDEX complaints_published ON complaints (created_at, code) WHERE published = 1;
        CREATE INDEX complaints_phone ON complaints (phone) WHERE phone IS NOT NULL;
        CREATE INDEX complaints_email ON complaints (email) WHERE email IS NOT NULL;

        -- Units coordinating on a PAKN after a forward (the "involving" filter).
        CREATE TABLE complaint_coordinators (
          agency TEXT NOT NULL,
          complaint_id INTEGER NOT NULL REFERENCES complaints (id) ON DELETE CASCADE,
          PRIMARY KEY (agency, complaint_id)
        ) WITHOUT ROWID;

        -- Free-text search over title and content. The text is folded before it is stored and before it
        -- is searched (lower case, no diacritics, đ→d), so "duong" finds "Đường"; unicode61 alone keeps đ.
        -- Contentless: the words live in the index only; rowid = complaints.id.
        CREATE VIRTUAL TABLE complaints_fts USING fts5 (
          text, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
        );

        -- Transactional outbox: events committed with the change they describe, relayed to the queue.
        CREATE TABLE outbox (
          seq INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          code TEXT NOT NULL,
          type TEXT NOT NULL,
          at INTEGER NOT NULL,
          data TEXT NOT NULL,
          dispatched_at INTEGER
        );
        CREATE INDEX outbox_pending ON outbox (seq) WHERE dispatched_at IS NULL;
      `);
    },
  },
  {
    version: 2,
    name: 'agencies, accounts, conversations, inbound dedupe',
    up(db) {
      db.exec(`
        CREATE TABLE agencies (
          code TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          kind TEXT NOT NULL,
          parent TEXT,
          review_before_publish INTEGER NOT NULL,
          active INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE accounts (
          username TEXT PRIMARY KEY,
          display_name TEXT NOT NULL,
          agency TEXT NOT NULL,
          role TEXT NOT NULL,
          password_hash TEXT NOT NULL,
          active INTEGER NOT NULL,
          failed_logins INTEGER NOT NULL,
          locked_until INTEGER,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX accounts_agency ON accounts (agency);

        CREATE TABLE conversation_state (
          key TEXT PRIMARY KEY,
          etag TEXT NOT NULL,
          data TEXT NOT NULL,
          updated_at INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE inbound_dedupe (
          key TEXT PRIMARY KEY,
          expires_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX inbound_dedupe_expires ON inbound_dedupe (expires_at);
      `);
    },
  },
  {
    version: 3,
    name: 'account e-mail',
    up(db) {
      db.exec('ALTER TABLE accounts ADD COLUMN email TEXT');
    },
  },
  {
    version: 4,
    name: 'documents apart from list columns; indexes by top-level agency',
    up(db) {
      // Lists and counts walk many rows; keeping the JSON document (about 1-2 KB) out of `complaints`
      // puts some twenty rows on a page instead of two. `owner_root` is the top-level agency
      // (`btc` for `btc.tchq`), so a subtree's rows of one status come out of one index in list order.
      db.exec(`
        CREATE TABLE complaint_docs (
          id INTEGER PRIMARY KEY REFERENCES complaints (id) ON DELETE CASCADE,
          doc TEXT NOT NULL
        );
        INSERT INTO complaint_docs (id, doc) SELECT id, doc FROM complaints;
        ALTER TABLE complaints DROP COLUMN doc;
        ALTER TABLE complaints ADD COLUMN owner_root TEXT NOT NULL DEFAULT '';
        UPDATE complaints SET owner_root =
          CASE WHEN instr(owner, '.') > 0 THEN substr(owner, 1, instr(owner, '.') - 1) ELSE owner END;
        DROP INDEX complaints_status_owner;
        DROP INDEX complaints_channel;
        DROP INDEX complaints_category;
        CREATE INDEX complaints_root ON complaints (owner_root, created_at, code, owner);
        CREATE INDEX complaints_root_status ON complaints (owner_root, status, created_at, code, owner);
        CREATE INDEX complaints_status ON complaints (status, created_at, code);
      `);
    },
  },
  {
    version: 5,
    name: 'running counts per owner and status; overdue by top-level agency',
    up(db) {
      // Lists show a total; for the commonest filters (agency subtree, owners, statuses, or none) it is a
      // sum over at most a few hundred counters instead of a count over up to a million rows. Triggers
      // keep the counters in the same transaction as the row, whoever writes it.
      db.exec(`
        CREATE TABLE complaint_counts (
          owner_root TEXT NOT NULL,
          owner TEXT NOT NULL,
          status TEXT NOT NULL,
          n INTEGER NOT NULL,
          PRIMARY KEY (owner_root, owner, status)
        ) WITHOUT ROWID;
        INSERT INTO complaint_counts (owner_root, owner, status, n)
          SELECT owner_root, owner, status, count(*) FROM complaints GROUP BY owner_root, owner, status;
        CREATE TRIGGER complaints_count_insert AFTER INSERT ON complaints BEGIN
          INSERT INTO complaint_counts (owner_root, owner, status, n) VALUES (NEW.owner_root, NEW.owner, NEW.status, 1)
            ON CONFLICT (owner_root, owner, status) DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER complaints_count_update AFTER UPDATE OF owner, owner_root, status ON complaints
          WHEN OLD.owner IS NOT NEW.owner OR OLD.owner_root IS NOT NEW.owner_root OR OLD.status IS NOT NEW.status
        BEGIN
          UPDATE complaint_counts SET n = n - 1
            WHERE owner_root = OLD.owner_root AND owner = OLD.owner AND status = OLD.status;
          INSERT INTO complaint_counts (owner_root, owner, status, n) VALUES (NEW.owner_root, NEW.owner, NEW.status, 1)
            ON CONFLICT (owner_root, owner, status) DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER complaints_count_delete AFTER DELETE ON complaints BEGIN
          UPDATE complaint_counts SET n = n - 1
            WHERE owner_root = OLD.owner_root AND owner = OLD.owner AND status = OLD.status;
        END;
        CREATE INDEX complaints_open_root_due ON complaints (owner_root, due_at, owner)
          WHERE status IN ('received', 'processing', 'awaiting_info');
      `);
    },
  },
  {
    version: 6,
    name: 'open PAKN of a top-level agency in list order',
    up(db) {
      // The overdue list of a subtree: its open PAKN newest first, with the deadline in the index, so
      // the newest (open but not yet due) are passed over without reading their rows. Counting them
      // is a scan of the same entries. Replaces the deadline-first index of step 5.
      db.exec(`
        DROP INDEX complaints_open_root_due;
        CREATE INDEX complaints_open_root_created ON complaints (owner_root, created_at, code, due_at, owner, status)
          WHERE status IN ('received', 'processing', 'awaiting_info');
      `);
    },
  },
  {
    version: 7,
    name: 'covering indexes for statistics',
    up(db) {
      // Statistics count a period's PAKN by owner, status, channel and category, and answer times over a
      // period of answers: covering indexes let those counts read index entries only, never rows
      // (measured on 100k PAKN: 216 ms → 1 ms for 30 days by owner; answer times 2.9 s → 0.13 s).
      db.exec(`
        CREATE INDEX complaints_stats_created ON complaints (created_at, owner, status, channel, category);
        CREATE INDEX complaints_stats_answered ON complaints (answered_at, owner, created_at, due_at)
          WHERE answered_at IS NOT NULL;
        CREATE INDEX complaints_stats_open ON complaints (due_at, owner, created_at)
          WHERE status IN ('received', 'processing', 'awaiting_info');
      `);
    },
  },
  {
    version: 8,
    name: 'statistics counters per local day and month',
    up(db) {
      // The officers' statistics over a long period or the whole tree counted up to a million index
      // entries per figure (central office, 12 months: 9 s). These counters, kept by triggers in the
      // same transaction as the row whoever writes it, turn each figure into a sum over at most a few
      // thousand rows. Every counter exists for the owner and for '*' (every owner: the central office
      // reads one key); `slot` is a local day YYYYMMDD or a local month YYYYMM (the two never overlap as
      // numbers), so a period is whole months plus the days at its ends. Local = Vietnam, UTC+7 all year.
      // Counters may reach 0 and stay; the readers skip them.
      db.exec(`
        -- PAKN received (created_at) by what they are now: dim 's' status, 'c' channel, 'k' category,
        -- 't' total (value '').
        CREATE TABLE stats_received (
          dim TEXT NOT NULL,
          owner TEXT NOT NULL,
          slot INTEGER NOT NULL,
          value TEXT NOT NULL,
          n INTEGER NOT NULL,
          PRIMARY KEY (dim, owner, slot, value)
        ) WITHOUT ROWID;
        -- Answers given (answered_at), and how many by the due date.
        CREATE TABLE stats_answered (
          owner TEXT NOT NULL,
          slot INTEGER NOT NULL,
          answered INTEGER NOT NULL,
          on_time INTEGER NOT NULL,
          PRIMARY KEY (owner, slot)
        ) WITHOUT ROWID;
        -- Answers given (answered_at) by time-to-answer class (its start in ms): medians to the class.
        CREATE TABLE stats_answer_time (
          owner TEXT NOT NULL,
          slot INTEGER NOT NULL,
          class INTEGER NOT NULL,
          n INTEGER NOT NULL,
          PRIMARY KEY (owner, slot, class)
        ) WITHOUT ROWID;
        -- Open PAKN now by local day of receipt (days only): the backlog by age.
        CREATE TABLE stats_open (
          owner TEXT NOT NULL,
          day INTEGER NOT NULL,
          n INTEGER NOT NULL,
          PRIMARY KEY (owner, day)
        ) WITHOUT ROWID;
      `);
      backfill(db);
      const statusOnly = [['s', 'X.status']] as Array<[string, string]>;
      db.exec(`
        CREATE TRIGGER stats_insert AFTER INSERT ON complaints BEGIN
          ${upsertReceived(receivedOf('NEW', 1))}
          ${answeredOf('NEW', 1)}
          ${openOf('NEW', 1)}
        END;
        -- The commonest change, a status move, touches only the status counters.
        CREATE TRIGGER stats_update_status AFTER UPDATE OF status ON complaints
          WHEN OLD.status IS NOT NEW.status AND NOT (${differ(['owner', 'channel', 'category', 'created_at'])})
        BEGIN
          ${upsertReceived([...receivedOf('OLD', -1, statusOnly), ...receivedOf('NEW', 1, statusOnly)])}
        END;
        CREATE TRIGGER stats_update_received AFTER UPDATE OF owner, channel, category, created_at ON complaints
          WHEN ${differ(['owner', 'channel', 'category', 'created_at'])}
        BEGIN
          ${upsertReceived([...receivedOf('OLD', -1), ...receivedOf('NEW', 1)])}
        END;
        CREATE TRIGGER stats_update_answered AFTER UPDATE OF answered_at, due_at, created_at, owner ON complaints
          WHEN ${differ(['answered_at', 'due_at', 'created_at', 'owner'])}
        BEGIN
          ${answeredOf('OLD', -1)}
          ${answeredOf('NEW', 1)}
        END;
        CREATE TRIGGER stats_update_open AFTER UPDATE OF status, owner, created_at ON complaints
          WHEN ${differ(['status', 'owner', 'created_at'])}
        BEGIN
          ${openOf('OLD', -1)}
          ${openOf('NEW', 1)}
        END;
        CREATE TRIGGER stats_delete AFTER DELETE ON complaints BEGIN
          ${upsertReceived(receivedOf('OLD', -1))}
          ${answeredOf('OLD', -1)}
          ${openOf('OLD', -1)}
        END;
      `);
    },
  },
  {
    version: 9,
    name: 'coordinating units in list order',
    up(db) {
      // The coordinating view lists what a unit coordinates, newest first. With only (agency, complaint_id)
      // each page looked up and sorted every PAKN the unit ever coordinated (4.5 ms for 1,345 at 1M PAKN);
      // with the list order in the key a page walks the index and stops, and its total is index-only.
      // created_at and code never change, so the copies cannot go stale. complaint_id gets its own index:
      // a forward replaces a PAKN's coordinators, and the cascade from complaints deletes by it.
      db.exec(`
        CREATE TABLE complaint_coordinators_v9 (
          agency TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          code TEXT NOT NULL,
          complaint_id INTEGER NOT NULL REFERENCES complaints (id) ON DELETE CASCADE,
          PRIMARY KEY (agency, created_at, code)
        ) WITHOUT ROWID;
        INSERT INTO complaint_coordinators_v9 (agency, created_at, code, complaint_id)
          SELECT cc.agency, c.created_at, c.code, c.id
          FROM complaint_coordinators cc JOIN complaints c ON c.id = cc.complaint_id;
        DROP TABLE complaint_coordinators;
        ALTER TABLE complaint_coordinators_v9 RENAME TO complaint_coordinators;
        CREATE INDEX complaint_coordinators_complaint ON complaint_coordinators (complaint_id);
      `);
    },
  },
  {
    version: 10,
    name: 'conversation state in a rowid table',
    up(db) {
      // WITHOUT ROWID keeps the whole row in the key's b-tree, and SQLite compares a key against a cell
      // whose record spills by reading the entire record, overflow pages included, straight from the
      // file: a dialog state over ~1 KB (a content step's draft) made every lookup of it, and of its
      // neighbours, cost 10–26 µs of pread instead of ~1 µs. With a rowid table the key index holds keys
      // only and a state's JSON is read once, when it is asked for.
      db.exec(`
        CREATE TABLE conversation_state_v10 (
          key TEXT NOT NULL PRIMARY KEY,
          etag TEXT NOT NULL,
          data TEXT NOT NULL,
          updated_at INTEGER NOT NULL
        );
        INSERT INTO conversation_state_v10 (key, etag, data, updated_at)
          SELECT key, etag, data, updated_at FROM conversation_state;
        DROP TABLE conversation_state;
        ALTER TABLE conversation_state_v10 RENAME TO conversation_state;
      `);
    },
  },
];
