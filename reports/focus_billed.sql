-- focus --dataset billed: OpenAI's own billed figures for containers as a
-- FOCUS 1.2 dataset, one row per Costs API result on a code interpreter,
-- container or shell line item of the window's days (the one rule for which
-- lines are containers' is audit_cost_window's). BilledCost is OpenAI's
-- amount; with no unit price or contract known, the list, contracted and
-- effective costs equal it (FOCUS: a cost without a unit price matches
-- BilledCost). The Costs API gives no SKU, so SKU and unit-price columns are
-- absent; PricingQuantity and PricingUnit are its quantity and
-- quantity_unit, both null when it gives no unit (the quantity stays in
-- x_BilledQuantity). A result without an amount cannot be a FOCUS row (its
-- costs may not be null): it is left out, and the command says how many.
-- Charge periods are the Costs API's buckets, billing periods UTC calendar
-- months; BillingAccountId as in focus.sql.
SELECT amount_micros AS BilledCost,
       coalesce(:billing_account, 'unknown-organization') AS BillingAccountId,
       NULL AS BillingAccountName,
       upper(coalesce(currency, 'usd')) AS BillingCurrency,
       strftime('%Y-%m-01T00:00:00Z', bucket_start, 'unixepoch') AS BillingPeriodStart,
       strftime('%Y-%m-01T00:00:00Z', bucket_start, 'unixepoch', 'start of month', '+1 month') AS BillingPeriodEnd,
       'Usage' AS ChargeCategory,
       NULL AS ChargeClass,
       'OpenAI Costs API: ' || line_item AS ChargeDescription,
       'Usage-Based' AS ChargeFrequency,
       strftime('%Y-%m-%dT%H:%M:%SZ', bucket_start, 'unixepoch') AS ChargePeriodStart,
       strftime('%Y-%m-%dT%H:%M:%SZ', coalesce(bucket_end, bucket_start + 86400), 'unixepoch') AS ChargePeriodEnd,
       amount_micros AS ContractedCost,
       amount_micros AS EffectiveCost,
       'OpenAI' AS InvoiceIssuerName,
       amount_micros AS ListCost,
       'Standard' AS PricingCategory,
       iif(quantity_unit IS NULL, NULL, quantity) AS PricingQuantity,
       iif(quantity IS NULL, NULL, quantity_unit) AS PricingUnit,
       'OpenAI' AS ProviderName,
       'OpenAI' AS PublisherName,
       'AI and Machine Learning' AS ServiceCategory,
       'Code Interpreter' AS ServiceName,
       'Other (AI and Machine Learning)' AS ServiceSubcategory,
       nullif(project_id, '') AS SubAccountId,
       'openai-costs-api' AS x_Source,
       line_item AS x_LineItem,
       quantity AS x_BilledQuantity,
       quantity_unit AS x_BilledQuantityUnit,
       nullif(api_key_id, '') AS x_ApiKeyId
FROM audit_cost_window
WHERE container_line AND amount_micros IS NOT NULL
ORDER BY ChargePeriodStart, SubAccountId, x_LineItem, x_ApiKeyId;
