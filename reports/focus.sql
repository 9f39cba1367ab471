-- focus: container charges as FOCUS 1.2 (FinOps Open Cost and Usage
-- Specification) rows, for cost tools that read FOCUS. Two kinds of row:
--  * one per container created in the window: this audit's estimate, in
--    ListCost and EffectiveCost; BilledCost is empty because we are not the
--    invoicing party (FOCUS reserves it for invoiced figures);
--  * one per Costs API result on a code interpreter / container / shell line
--    item: OpenAI's billed figure, in BilledCost (and EffectiveCost).
-- Charge periods are UTC days. Audit findings are in x_ columns.
-- Columns: BilledCost, BillingCurrency, ChargeCategory, ChargeClass,
-- ChargeDescription, ChargeFrequency, ChargePeriodStart, ChargePeriodEnd,
-- ConsumedQuantity, ConsumedUnit, EffectiveCost, InvoiceIssuerName, ListCost,
-- ListUnitPrice, PricingCategory, PricingQuantity, PricingUnit, ProviderName,
-- PublisherName, ResourceId, ResourceName, ResourceType, ServiceCategory,
-- ServiceName, SkuId, SkuPriceId, SubAccountId, x_Source, x_Classification,
-- x_Reason, x_AttributedResponseId, x_Attribution, x_PricingRule,
-- x_PriceTableVersion, x_Accruing, x_Unpriced.
-- FOCUS names are kept as they are, so money is formatted here with usd()
-- (dollars, 6 decimals). Unpriced containers have empty costs and
-- x_Unpriced = true (FOCUS wants a number there; we will not invent one).
SELECT NULL AS BilledCost,
       'USD' AS BillingCurrency,
       'Usage' AS ChargeCategory,
       NULL AS ChargeClass,
       printf('Code Interpreter container %s (%s, %s)', container_id, tier, pricing_rule) AS ChargeDescription,
       'Usage-Based' AS ChargeFrequency,
       strftime('%Y-%m-%dT00:00:00Z', created_at, 'unixepoch') AS ChargePeriodStart,
       strftime('%Y-%m-%dT00:00:00Z', created_at, 'unixepoch', '+1 day') AS ChargePeriodEnd,
       billable_units AS ConsumedQuantity,
       rule_word(pricing_rule, 'focus_unit') AS ConsumedUnit,
       usd(estimated_cost_usd) AS EffectiveCost,
       'OpenAI' AS InvoiceIssuerName,
       usd(estimated_cost_usd) AS ListCost,
       usd(unit_price_micros) AS ListUnitPrice,
       'Standard' AS PricingCategory,
       billable_units AS PricingQuantity,
       rule_word(pricing_rule, 'focus_unit') AS PricingUnit,
       'OpenAI' AS ProviderName,
       'OpenAI' AS PublisherName,
       container_id AS ResourceId,
       name AS ResourceName,
       'Container' AS ResourceType,
       'AI and Machine Learning' AS ServiceCategory,
       'Code Interpreter' AS ServiceName,
       'code-interpreter-container-' || tier AS SkuId,
       iif(unpriced, NULL, 'code-interpreter-container-' || tier || '-' || pricing_rule) AS SkuPriceId,
       project_id AS SubAccountId,
       'cntraudit-estimate' AS x_Source,
       classification AS x_Classification,
       reason AS x_Reason,
       attributed_response_id AS x_AttributedResponseId,
       attribution AS x_Attribution,
       pricing_rule AS x_PricingRule,
       price_version AS x_PriceTableVersion,
       iif(accruing, 'true', 'false') AS x_Accruing,
       iif(unpriced, 'true', 'false') AS x_Unpriced
FROM audit_window
UNION ALL
SELECT usd(amount_micros), upper(coalesce(currency, 'usd')), 'Usage', NULL,
       'OpenAI Costs API: ' || line_item, 'Usage-Based',
       strftime('%Y-%m-%dT%H:%M:%SZ', bucket_start, 'unixepoch'),
       strftime('%Y-%m-%dT%H:%M:%SZ', coalesce(bucket_end, bucket_start + 86400), 'unixepoch'),
       quantity, quantity_unit, usd(amount_micros), 'OpenAI', NULL, NULL, 'Standard', quantity, quantity_unit,
       'OpenAI', 'OpenAI', NULL, NULL, NULL, 'AI and Machine Learning', 'Code Interpreter', NULL, NULL,
       project_id, 'openai-costs-api', NULL, NULL, NULL, NULL, NULL, NULL, 'false', 'false'
FROM audit_cost_window WHERE container_line
ORDER BY ChargePeriodStart, x_Source, ResourceId, ChargeDescription;
