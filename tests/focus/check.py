#!/usr/bin/env python3
"""The FOCUS 1.2 column rules, checked on a cntraudit FOCUS export (CSV or
the report's JSON). Presence, type, nullability and allowed values come from
the specification's own column files (focus-1.2-columns.json, by
extract.py); the conditional rules below are the specification's sentences,
each named by its column file. Every broken rule is printed with the row it
breaks; the exit status is 1 if any is.

  check.py [--deviations FILE] EXPORT

A deviation (deviations.json) names a rule, a column and the rows it applies
to (by x_Source) with the reason; rows it covers are counted, not failed."""
import csv
import io
import json
import os
import re
import sys
from decimal import Decimal, InvalidOperation

HERE = os.path.dirname(os.path.abspath(__file__))
DECIMAL = re.compile(r"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$")  # NumericFormat: no separators, no currency
DATETIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")  # DateTimeFormat, UTC
CURRENCY = re.compile(r"^[A-Z]{3}$")  # ISO 4217


def load(path):
    """(columns, rows, is_json): rows as dicts, None for null."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if text.lstrip().startswith("{"):
        report = json.loads(text)
        return report["columns"], report["rows"], True
    csv.field_size_limit(sys.maxsize)  # a container's name may be long
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = [{k: (v if v != "" else None) for k, v in r.items()} for r in reader]
    return reader.fieldnames or [], rows, False


class Checker:
    def __init__(self, spec, deviations):
        self.spec, self.deviations = spec, deviations
        self.broken, self.allowed = [], {}

    def fail(self, row_no, row, rule, column, message):
        for d in self.deviations:
            if d["rule"] == rule and d["column"] == column and row is not None \
                    and row.get("x_Source") == d["x_Source"]:
                self.allowed[(rule, column)] = self.allowed.get((rule, column), 0) + 1
                return
        where = "dataset" if row_no is None else f"row {row_no} ({row.get('ResourceId') or row.get('ChargeDescription')})"
        source = self.spec.get(column, {}).get("file", "specification/columns")
        self.broken.append(f"{where}: {rule}: {message} [{source}]")

    def columns(self, columns):
        for name, c in self.spec.items():
            if c["feature_level"] == "Mandatory" and name not in columns:
                self.fail(None, None, "present", name, f"{name} MUST be present in a FOCUS dataset")
        for name in columns:
            if name not in self.spec and not name.startswith("x_"):
                self.fail(None, None, "custom-prefix", name,
                          f"{name} is not a FOCUS column: custom columns MUST be prefixed with x_")

    def value(self, n, row, name, value, is_json):
        c = self.spec.get(name)
        if c is None:
            return
        if value is None:
            if not c["allows_nulls"]:
                self.fail(n, row, "not-null", name, f"{name} MUST NOT be null")
            return
        kind = c["data_type"]
        if kind == "Decimal":
            ok = (isinstance(value, (int, float)) and not isinstance(value, bool)) if is_json \
                else bool(DECIMAL.match(value))
            if not ok:
                self.fail(n, row, "decimal", name, f"{name} MUST be of type Decimal, not {value!r}")
        elif kind == "Date/Time":
            if not isinstance(value, str) or not DATETIME.match(value):
                self.fail(n, row, "date-time", name, f"{name} MUST conform to DateTimeFormat, not {value!r}")
        elif kind == "String":
            if not isinstance(value, str):
                self.fail(n, row, "string", name, f"{name} MUST be of type String, not {value!r}")
        if "allowed_values" in c and value not in c["allowed_values"]:
            self.fail(n, row, "allowed-values", name, f"{name} MUST be one of the allowed values, not {value!r}")

    def row(self, n, row, columns, is_json):
        for name in columns:
            self.value(n, row, name, row.get(name), is_json)
        num = lambda k: None if row.get(k) is None else Decimal(str(row[k]))
        usage = row.get("ChargeCategory") in ("Usage", "Purchase") and row.get("ChargeClass") != "Correction"
        for q, u in (("PricingQuantity", "PricingUnit"), ("ConsumedQuantity", "ConsumedUnit")):
            if u in columns and (row.get(q) is None) != (row.get(u) is None):
                self.fail(n, row, "unit-with-quantity", u, f"{u} MUST be null exactly when {q} is null")
        if row.get("ChargeClass") not in (None, "Correction"):
            self.fail(n, row, "charge-class", "ChargeClass", "ChargeClass MUST be \"Correction\" when not null")
        if "ConsumedQuantity" in columns:
            if row.get("ChargeCategory") != "Usage" and row.get("ConsumedQuantity") is not None:
                self.fail(n, row, "consumed-usage-only", "ConsumedQuantity",
                          "ConsumedQuantity MUST be null when ChargeCategory is not \"Usage\"")
            if row.get("ChargeCategory") == "Usage" and usage and row.get("ConsumedQuantity") is None:
                self.fail(n, row, "usage-not-null", "ConsumedQuantity",
                          "ConsumedQuantity MUST NOT be null for a Usage charge that is not a correction")
        for name in ("PricingQuantity", "ListUnitPrice", "SkuPriceId", "PricingCategory"):
            if name in columns and usage and row.get(name) is None:
                self.fail(n, row, "usage-not-null", name,
                          f"{name} MUST NOT be null when ChargeCategory is \"Usage\" or \"Purchase\" "
                          "and ChargeClass is not \"Correction\"")
        try:
            for price, cost in (("ListUnitPrice", "ListCost"), ("ContractedUnitPrice", "ContractedCost")):
                if price in columns and row.get(price) is not None:
                    if num(price) < 0:
                        self.fail(n, row, "unit-price-non-negative", price, f"{price} MUST be non-negative")
                    if cost in columns and row.get("PricingQuantity") is not None and usage \
                            and num(price) * num("PricingQuantity") != num(cost):
                        self.fail(n, row, "price-times-quantity", cost,
                                  f"{price} x PricingQuantity MUST match {cost}: {row[price]} x "
                                  f"{row['PricingQuantity']} != {row.get(cost)}")
                elif cost in columns and row.get(cost) is not None and row.get("BilledCost") is not None \
                        and num(cost) != num("BilledCost"):
                    self.fail(n, row, "cost-matches-billed", cost,
                              f"with no {price}, {cost} MUST match BilledCost: {row[cost]} != {row['BilledCost']}")
            for start, end in (("ChargePeriodStart", "ChargePeriodEnd"), ("BillingPeriodStart", "BillingPeriodEnd")):
                if row.get(start) and row.get(end) and not row[start] < row[end]:
                    self.fail(n, row, "period-order", end, f"{end} MUST be after {start}")
            if row.get("BillingPeriodStart") and row.get("BillingPeriodEnd") and row.get("ChargePeriodStart") and not \
                    (row["BillingPeriodStart"] <= row["ChargePeriodStart"] < row["BillingPeriodEnd"]):
                self.fail(n, row, "charge-in-billing-period", "ChargePeriodStart",
                          "ChargePeriodStart MUST fall in the billing period")
        except (InvalidOperation, TypeError):
            pass  # already reported as not a Decimal
        if row.get("BillingCurrency") and not CURRENCY.match(str(row["BillingCurrency"])):
            self.fail(n, row, "currency-code", "BillingCurrency",
                      "BillingCurrency MUST be a three-letter ISO 4217 code")
        sub = self.spec.get("ServiceSubcategory", {}).get("parents", {})
        if row.get("ServiceSubcategory") in sub and sub[row["ServiceSubcategory"]] != row.get("ServiceCategory"):
            self.fail(n, row, "subcategory-parent", "ServiceSubcategory",
                      "ServiceSubcategory MUST have the ServiceCategory it belongs to as parent")


def main(argv):
    deviations = []
    if len(argv) > 2 and argv[0] == "--deviations":
        with open(argv[1], encoding="utf-8") as f:
            deviations = json.load(f)["deviations"]
        argv = argv[2:]
    with open(os.path.join(HERE, "focus-1.2-columns.json"), encoding="utf-8") as f:
        spec = json.load(f)["columns"]
    columns, rows, is_json = load(argv[0])
    checker = Checker(spec, deviations)
    checker.columns(columns)
    sources = {r.get("x_Source") for r in rows}
    if len(sources) > 1:
        checker.fail(None, None, "one-dataset", "x_Source",
                     f"estimates and billed rows mixed in one dataset ({', '.join(sorted(map(str, sources)))}): "
                     "a sum of a cost column would count a dollar twice")
    for n, row in enumerate(rows, 1):
        checker.row(n, row, columns, is_json)
    for line in checker.broken:
        print(line)
    for (rule, column), count in sorted(checker.allowed.items()):
        print(f"deviation: {rule} on {column}: {count} row(s), as documented")
    print(f"{argv[0]}: {len(rows)} rows, {len(checker.broken)} broken rule(s)")
    return 1 if checker.broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
