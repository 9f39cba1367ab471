# Writes SQL that fills a cntraudit store with a random, adversarial account:
# few IDs and a narrow time range, so ties, overlapping windows, chains with
# cycles and dangling links, unknown containers, unpriced tiers and every
# NULL the schema allows all happen often. Deterministic for a seed.
#   awk -v seed=N -f random_store.awk | sqlite3 DB
function pick(n) { return int(rand() * n) }
function maybe(p) { return rand() < p }
function q(s) { return s == "" ? "NULL" : "'" s "'" }
function t() { return base + 10 * pick(360) }  # 10-second steps over an hour: ties
BEGIN {
  srand(seed)
  base = 1780000000 + 86400 * pick(3) - 43200  # around a UTC midnight
  n = 20 + pick(60); m = 20 + pick(80); k = pick(60); r = pick(25)
  split("proj_a proj_b proj_c", projects, " ")
  split("running expired deleted active", statuses, " ")
  split("|1g|4g|2g|64g", tiers, "|")
  print "BEGIN;"
  print "INSERT INTO prices VALUES ('2g', '2026-05-29', '2026-05-29', 'per_container', 5000, 'test-2g');"
  for (i = 0; i < n; i++) {
    c = t()
    printf "INSERT INTO containers (id, project_id, name, memory_limit, status, created_at, last_active_at, expires_after_minutes, raw) VALUES ('cntr_%d', '%s', %s, %s, '%s', %d, %s, %s, X'007B7D');\n", i,
      projects[1 + pick(3)], (maybe(0.3) ? "''" : "'name" pick(3) "'"), q(tiers[1 + pick(5)]), statuses[1 + pick(4)], c,
      maybe(0.3) ? "NULL" : c + 60 * pick(90) - (maybe(0.1) ? 600 : 0), maybe(0.5) ? "NULL" : 1 + pick(60)
  }
  for (i = 0; i < m; i++) {
    c = t()
    prev = maybe(0.4) ? "" : (maybe(0.8) ? "resp_" pick(m) : "resp_gone_" pick(5))
    printf "INSERT INTO responses (id, project_id, status, created_at, completed_at, previous_response_id, conversation_id, requests_container_auto, raw) VALUES ('resp_%d', '%s', 'completed', %d, %s, %s, %s, %d, X'007B7D');\n", i,
      projects[1 + pick(2)], c, maybe(0.2) ? "NULL" : c + 5 * pick(200) - (maybe(0.1) ? 100 : 0), q(prev),
      q(maybe(0.6) ? "" : "conv_" pick(6)), maybe(0.3) ? 0 : 1 + pick(3)
  }
  for (i = 0; i < k; i++)
    printf "INSERT INTO container_calls (id, container_id, status, response_id, conversation_id, context_response_id, kind) VALUES ('call_%d', '%s', 'completed', %s, %s, %s, '%s');\n", i,
      maybe(0.85) ? "cntr_" pick(n) : "cntr_unknown_" pick(3),
      q(maybe(0.2) ? "" : (maybe(0.9) ? "resp_" pick(m) : "resp_gone_" pick(3))),
      q(maybe(0.7) ? "" : "conv_" pick(8)), q(maybe(0.7) ? "" : "resp_" pick(m)),
      maybe(0.6) ? "code_interpreter_call" : "shell_call"
  for (i = 0; i < r; i++) {
    kind = pick(3)  # who refers: a response (stored or not), a conversation, an item
    printf "INSERT OR IGNORE INTO container_references (referrer_id, container_id, kind, referrer_kind) VALUES ('%s', '%s', '%s', '%s');\n",
      kind == 0 ? (maybe(0.9) ? "resp_" pick(m) : "resp_gone_" pick(3)) : (kind == 1 ? "conv_" pick(6) : "msg_" pick(4)),
      maybe(0.9) ? "cntr_" pick(n) : "cntr_unknown_" pick(3),
      kind == 0 && maybe(0.5) ? "named" : "cited", kind == 0 ? "response" : (kind == 1 ? "conversation" : "item")
  }
  print "COMMIT;"
  print "SELECT " base ";"
}
