-- prices: the effective-dated price table, as `cntraudit prices` lists it and
-- `cntraudit prices --import` reads it back.
-- Columns: version, rule, memory_limit, effective_from, effective_until (UTC
-- dates, inclusive; empty = open), unit (what one unit is), unit_price_usd.
SELECT version, rule, memory_limit, effective_from, effective_until,
       rule_word(rule, 'unit') AS unit,
       unit_price_micros AS unit_price_usd
FROM prices
ORDER BY effective_from, CAST(memory_limit AS INTEGER), memory_limit;
