-- focus (--dataset estimates, the default): this audit's estimate of each
-- container's charge as a FOCUS 1.2 dataset (FinOps Open Cost and Usage
-- Specification), one row per priced container created in the window. It is
-- not billing: BilledCost is 0 on every row (cntraudit issues no invoice),
-- and the estimate is the list, contracted and effective cost (OpenAI's
-- published price, no discount known). The billed figures are their own
-- dataset (focus_billed.sql), so summing any cost column of one export counts
-- each dollar once. An unpriced container cannot be a FOCUS row (its costs
-- may not be null): it is left out, and the command says how many.
-- Columns ending in Cost or UnitPrice are money (micro-dollars here; decimals
-- in CSV, numbers in JSON). Charge periods are UTC days, billing periods UTC
-- calendar months. BillingAccountId is the organization (--org), or
-- 'unknown-organization' when none was given (the command warns). Audit
-- findings are in x_ columns.
SELECT 0 AS BilledCost,
       coalesce(:billing_account, 'unknown-organization') AS BillingAccountId,
       NULL AS BillingAccountName,
       'USD' AS BillingCurrency,
       strftime('%Y-%m-01T00:00:00Z', created_at, 'unixepoch') AS BillingPeriodStart,
       strftime('%Y-%m-01T00:00:00Z', created_at, 'unixepoch', 'start of month', '+1 month') AS BillingPeriodEnd,
       'Usage' AS ChargeCategory,
       NULL AS ChargeClass,
       printf('Code Interpreter container %s (%s, %s)', container_id, tier, pricing_rule) AS ChargeDescription,
       'Usage-Based' AS ChargeFrequency,
       strftime('%Y-%m-%dT00:00:00Z', created_at, 'unixepoch') AS ChargePeriodStart,
       strftime('%Y-%m-%dT00:00:00Z', created_at, 'unixepoch', '+1 day') AS ChargePeriodEnd,
       billable_units AS ConsumedQuantity,
       rule_word(pricing_rule, 'focus_unit') AS ConsumedUnit,
       estimated_cost_usd AS ContractedCost,
       unit_price_micros AS ContractedUnitPrice,
       estimated_cost_usd AS EffectiveCost,
       'OpenAI' AS InvoiceIssuerName,
       estimated_cost_usd AS ListCost,
       unit_price_micros AS ListUnitPrice,
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
       'Other (AI and Machine Learning)' AS ServiceSubcategory,
       'code-interpreter-container-' || tier AS SkuId,
       'code-interpreter-container-' || tier || '-' || pricing_rule AS SkuPriceId,
       project_id AS SubAccountId,
       'cntraudit-estimate' AS x_Source,
       classification AS x_Classification,
       reason AS x_Reason,
       attributed_response_id AS x_AttributedResponseId,
       attribution AS x_Attribution,
       pricing_rule AS x_PricingRule,
       price_version AS x_PriceTableVersion,
       iif(accruing, 'true', 'false') AS x_Accruing
FROM audit_window
WHERE NOT unpriced
-- ChargePeriodStart, then ResourceId: an order the audit serves as it
-- stands, so no sort holds the rows (audit_containers_by_day).
ORDER BY created_day, container_id;
