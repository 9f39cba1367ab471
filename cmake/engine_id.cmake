# Writes OUT, a C file defining audit_engine_id: the SHA-256 of every file in
# FILES (the audit engine's code and the queries that load it). Facts a
# store keeps were decided by the engine that stored them; a cntraudit whose
# engine differs by one byte audits in memory instead (src/audit/audit_facts.c).
string(REPLACE "|" ";" FILES "${FILES}")
set(all "")
foreach(f IN LISTS FILES)
  file(SHA256 ${f} one)
  string(APPEND all "${one}")
endforeach()
string(SHA256 id "${all}")
file(WRITE ${OUT}.tmp "const char audit_engine_id[] = \"${id}\";\n")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUT}.tmp)
