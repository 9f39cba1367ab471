// The DuckDB peer: what a data engineer writes instead of cntraudit — the
// JSON Lines read with DuckDB (@duckdb/node-api, pinned in package.json)
// and the audit's rules as one SQL query (over narrow views of the JSON, or
// the tables a load extracted from it): a container is used when a
// container call ran in it, idle when a response names it or a citation
// points into it, outside coverage when no response was created within
// 10 minutes of it, an orphan otherwise; its estimate by the price era of
// its UTC creation day (README "What the audit decides"). One project.
//   node duckdb_audit.mjs json ACCOUNT ITEMS_LIST             query the JSON Lines directly
//   node duckdb_audit.mjs load ACCOUNT ITEMS_LIST DB.duckdb   load them into a DuckDB file
//   node duckdb_audit.mjs query DB.duckdb                     query that file
// ACCOUNT holds containers.jsonl and responses.jsonl; ITEMS_LIST names the
// conversation item pages imported, one path a line. Each mode prints the
// figures as JSON; with --expect SUMMARY.json (cntraudit report summary
// --format json) it exits 1 unless they are the summary's classification.
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const expectAt = args.indexOf('--expect');
const expectFile = expectAt >= 0 ? args.splice(expectAt, 2)[1] : null;
const [mode, a, b, c] = args;

const q = (s) => `'${String(s).replaceAll("'", "''")}'`;
const list = (paths) => `[${paths.map(q).join(', ')}]`;

// What the query reads, as SELECTs over the JSON files: the raw shapes
// (containers_j, responses_j, items_j), then what the audit needs of them,
// narrow (containers_t, calls_t, traced_t, times_t). Querying the files,
// all are views; loading a DuckDB file, the narrow ones are its tables, so a
// query on the file reads only what is already extracted.
function sources(account, itemsList) {
  const items = readFileSync(itemsList, 'utf8').split('\n').filter(Boolean);
  const container = 'STRUCT(id VARCHAR, created_at BIGINT, last_active_at BIGINT, memory_limit VARCHAR)';
  return {
    raw: {
      containers_j: `SELECT u.id, u.created_at, u.last_active_at, u.memory_limit FROM (
          SELECT unnest(data) AS u FROM read_ndjson(${q(account + '/containers.jsonl')},
            columns = {data: '${container}[]'}))`,
      responses_j: `SELECT id, created_at, tools, output FROM read_ndjson(${q(account + '/responses.jsonl')},
          columns = {id: 'VARCHAR', created_at: 'BIGINT', tools: 'JSON', output: 'JSON'})`,
      items_j: items.length
        ? `SELECT unnest(data) AS item FROM read_json(${list(items)}, format = 'auto', columns = {data: 'JSON[]'})`
        : `SELECT NULL::JSON AS item WHERE false`,
      every_item_j: `SELECT unnest(json_extract(output, '$[*]')) AS item FROM responses_j
          UNION ALL SELECT item FROM items_j`,
    },
    narrow: {
      // the stored copy of each container (a newer copy replaces an older one)
      containers_t: `SELECT DISTINCT ON (id) id, created_at, coalesce(memory_limit, '1g') AS tier,
          greatest(coalesce(last_active_at, created_at) - created_at, 0) AS span
          FROM containers_j ORDER BY id, coalesce(last_active_at, created_at) DESC`,
      // container calls, deduplicated by their ID: what ran in each container
      calls_t: `SELECT DISTINCT (item->>'id') AS id,
          CASE (item->>'type') WHEN 'code_interpreter_call' THEN (item->>'container_id')
               WHEN 'shell_call' THEN CASE WHEN (item->'environment'->>'type') = 'container_reference'
                                           THEN (item->'environment'->>'container_id') END END AS container
          FROM every_item_j WHERE (item->>'type') IN ('code_interpreter_call', 'shell_call') AND (item->>'id') IS NOT NULL`,
      // containers a response's tools name, or a citation points into
      traced_t: `SELECT id FROM (
            SELECT CASE WHEN (tool->>'type') = 'code_interpreter' THEN coalesce((tool->'container'->>'id'),
                            CASE WHEN json_type((tool->'container')) = 'VARCHAR' THEN (tool->>'container') END)
                        WHEN (tool->'environment'->>'type') = 'container_reference' THEN (tool->'environment'->>'container_id')
                   END AS id FROM (SELECT unnest(json_extract(tools, '$[*]')) AS tool FROM responses_j)
            UNION SELECT unnest(json_extract_string(item, '$.content[*].annotations[*].container_id'))
            FROM every_item_j WHERE (item->>'type') = 'message') WHERE id IS NOT NULL`,
      times_t: `SELECT created_at FROM responses_j`,
    },
  };
}

async function define(conn, account, itemsList, persist) {
  const s = sources(account, itemsList);
  for (const [name, sql] of Object.entries(s.raw)) await conn.run(`CREATE TEMP VIEW ${name} AS ${sql}`);
  for (const [name, sql] of Object.entries(s.narrow))
    await conn.run(persist ? `CREATE OR REPLACE TABLE ${name} AS ${sql}` : `CREATE TEMP VIEW ${name} AS ${sql}`);
}

const era1 = Date.UTC(2026, 2, 31) / 1000; // per_session_20m from 2026-03-31
const era2 = Date.UTC(2026, 5, 2) / 1000; // per_minute_min5 from 2026-06-02
const audit = `
WITH used AS (
  SELECT DISTINCT container AS id FROM calls_t WHERE container IS NOT NULL
), judged AS (
  SELECT c.*, CASE WHEN c.id IN (SELECT id FROM used) THEN 'used'
                   WHEN c.id IN (SELECT id FROM traced_t) THEN 'idle'
                   WHEN t.created_at IS NULL OR t.created_at > c.created_at + 600 THEN 'outside_coverage'
                   ELSE 'orphan' END AS class,
         CASE WHEN c.created_at < ${era1} THEN 1
              WHEN c.created_at < ${era2} THEN greatest(1, (span + 1199) // 1200)
              ELSE greatest(5, (span + 59) // 60) END AS units,
         (CASE tier WHEN '1g' THEN 1 WHEN '4g' THEN 4 WHEN '16g' THEN 16 WHEN '64g' THEN 64 END)
           * (CASE WHEN c.created_at < ${era2} THEN 30000 ELSE 1500 END) AS unit_micros
  FROM containers_t c ASOF LEFT JOIN times_t t ON c.created_at - 600 <= t.created_at
)
SELECT class, count(*)::BIGINT AS n, sum(units * unit_micros)::BIGINT AS micros, count(*) FILTER (unit_micros IS NULL)::BIGINT AS unpriced
FROM judged GROUP BY ALL ORDER BY class`;

async function figures(conn) {
  const rows = (await conn.runAndReadAll(audit)).getRowObjects();
  const out = {};
  for (const r of rows) out[r.class] = { count: Number(r.n), micros: Number(r.micros ?? 0), unpriced: Number(r.unpriced) };
  return out;
}

// The summary's classification rows, in micro-dollars.
function summaryFigures(path) {
  const doc = JSON.parse(readFileSync(path, 'utf8'));
  const out = {};
  for (const r of doc.rows)
    if (r.section === 'classification' && r.item !== 'total')
      out[r.item] = { count: r.count, micros: Math.round(Number(r.amount_usd) * 1e6) };
  return out;
}

function check(got) {
  if (!expectFile) return;
  const want = summaryFigures(expectFile);
  for (const k of ['used', 'idle', 'outside_coverage', 'orphan']) {
    const g = got[k] ?? { count: 0, micros: 0 }, w = want[k] ?? { count: 0, micros: 0 };
    if (g.count !== w.count || g.micros !== w.micros) {
      console.error(`duckdb peer: ${k} is ${g.count} containers, ${g.micros} micro-dollars; ` +
        `cntraudit's summary says ${w.count}, ${w.micros}`);
      process.exit(1);
    }
  }
}

let instance, conn;
if (mode === 'json' && a && b) {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
  await define(conn, a, b, false);
} else if (mode === 'load' && a && b && c) {
  instance = await DuckDBInstance.create(c);
  conn = await instance.connect();
  await define(conn, a, b, true);
  await conn.run('CHECKPOINT');
  console.error('duckdb peer: loaded');
  process.exit(0);
} else if (mode === 'query' && a) {
  instance = await DuckDBInstance.create(a, { access_mode: 'READ_ONLY' });
  conn = await instance.connect();
} else {
  console.error('usage: node duckdb_audit.mjs json ACCOUNT ITEMS_LIST | load ACCOUNT ITEMS_LIST DB | query DB [--expect SUMMARY.json]');
  process.exit(2);
}
const got = await figures(conn);
check(got);
console.log(JSON.stringify(got));
