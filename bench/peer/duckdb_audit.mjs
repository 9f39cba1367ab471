// The DuckDB peer: what a data engineer writes instead of cntraudit — the
// JSON Lines read with DuckDB (@duckdb/node-api, pinned in package.json)
// and the audit's rules as one SQL query: a container is used when a
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

// The three tables the query reads, as SELECTs over the JSON files: views
// when querying the files, tables when loading a DuckDB file.
function sources(account, itemsList) {
  const items = readFileSync(itemsList, 'utf8').split('\n').filter(Boolean);
  const container = 'STRUCT(id VARCHAR, created_at BIGINT, last_active_at BIGINT, memory_limit VARCHAR)';
  return {
    containers_t: `SELECT u.id, u.created_at, u.last_active_at, u.memory_limit FROM (
        SELECT unnest(data) AS u FROM read_ndjson(${q(account + '/containers.jsonl')},
          columns = {data: '${container}[]'}))`,
    responses_t: `SELECT id, created_at, completed_at, tools, output FROM read_ndjson(${q(account + '/responses.jsonl')},
        columns = {id: 'VARCHAR', created_at: 'BIGINT', completed_at: 'BIGINT', tools: 'JSON', output: 'JSON'})`,
    items_t: items.length
      ? `SELECT unnest(data) AS item FROM read_json(${list(items)}, format = 'auto', columns = {data: 'JSON[]'})`
      : `SELECT NULL::JSON AS item WHERE false`,
  };
}

const era1 = Date.UTC(2026, 2, 31) / 1000; // per_session_20m from 2026-03-31
const era2 = Date.UTC(2026, 5, 2) / 1000; // per_minute_min5 from 2026-06-02
const audit = `
WITH output_items AS (
  SELECT unnest(json_extract(output, '$[*]')) AS item FROM responses_t
), every_item AS (
  SELECT item FROM output_items UNION ALL SELECT item FROM items_t
), calls AS (
  SELECT DISTINCT (item->>'id') AS id,
         CASE (item->>'type') WHEN 'code_interpreter_call' THEN (item->>'container_id')
              WHEN 'shell_call' THEN CASE WHEN (item->'environment'->>'type') = 'container_reference'
                                          THEN (item->'environment'->>'container_id') END END AS container
  FROM every_item WHERE (item->>'type') IN ('code_interpreter_call', 'shell_call') AND (item->>'id') IS NOT NULL
), used AS (
  SELECT DISTINCT container AS id FROM calls WHERE container IS NOT NULL
), tools AS (
  SELECT unnest(json_extract(tools, '$[*]')) AS tool FROM responses_t
), named AS (
  SELECT CASE WHEN (tool->>'type') = 'code_interpreter' THEN coalesce((tool->'container'->>'id'),
                   CASE WHEN json_type((tool->'container')) = 'VARCHAR' THEN (tool->>'container') END)
              WHEN (tool->'environment'->>'type') = 'container_reference' THEN (tool->'environment'->>'container_id')
         END AS id FROM tools
), cited AS (
  SELECT unnest(json_extract_string(item, '$.content[*].annotations[*].container_id')) AS id
  FROM every_item WHERE (item->>'type') = 'message'
), traced AS (
  SELECT id FROM named WHERE id IS NOT NULL UNION SELECT id FROM cited WHERE id IS NOT NULL
), times AS (
  SELECT created_at FROM responses_t
), c AS (
  SELECT DISTINCT ON (id) id, created_at, coalesce(memory_limit, '1g') AS tier,
         greatest(coalesce(last_active_at, created_at) - created_at, 0) AS span
  FROM containers_t ORDER BY id, coalesce(last_active_at, created_at) DESC
), judged AS (
  SELECT c.*, CASE WHEN c.id IN (SELECT id FROM used) THEN 'used'
                   WHEN c.id IN (SELECT id FROM traced) THEN 'idle'
                   WHEN t.created_at IS NULL OR t.created_at > c.created_at + 600 THEN 'outside_coverage'
                   ELSE 'orphan' END AS class,
         CASE WHEN c.created_at < ${era1} THEN 1
              WHEN c.created_at < ${era2} THEN greatest(1, (span + 1199) // 1200)
              ELSE greatest(5, (span + 59) // 60) END AS units,
         (CASE tier WHEN '1g' THEN 1 WHEN '4g' THEN 4 WHEN '16g' THEN 16 WHEN '64g' THEN 64 END)
           * (CASE WHEN c.created_at < ${era2} THEN 30000 ELSE 1500 END) AS unit_micros
  FROM c ASOF LEFT JOIN times t ON c.created_at - 600 <= t.created_at
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
  for (const [name, sql] of Object.entries(sources(a, b))) await conn.run(`CREATE TEMP VIEW ${name} AS ${sql}`);
} else if (mode === 'load' && a && b && c) {
  instance = await DuckDBInstance.create(c);
  conn = await instance.connect();
  for (const [name, sql] of Object.entries(sources(a, b))) await conn.run(`CREATE OR REPLACE TABLE ${name} AS ${sql}`);
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
