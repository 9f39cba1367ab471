#!/usr/bin/env python3
"""Extracts the FOCUS column definitions cntraudit's FOCUS export is checked
against (check.py) from the FOCUS specification's own column files, so the
rules come from the specification, not from us.

  extract.py SPEC_REPO TAG > focus-1.2-columns.json

SPEC_REPO is a git clone of FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec;
TAG the release (v1.2). For each specification/columns/*.md: the Column ID,
its feature level, whether it allows nulls, its data type, and its allowed
values when it has a table of them (ServiceSubcategory's with each one's
parent ServiceCategory)."""
import json
import re
import subprocess
import sys


def show(repo, tag, path):
    return subprocess.run(["git", "-C", repo, "show", f"{tag}:{path}"], check=True, capture_output=True,
                          text=True).stdout


def constraint(text, name):
    m = re.search(r"^\|\s*" + name + r"\s*\|\s*(.*?)\s*\|", text, re.M)
    return m.group(1) if m else None


def allowed_values(text):
    """The first column (or, for a table led by Service Category, the
    second with its parent) of the table after 'Allowed values'."""
    at = text.find("Allowed values:")
    if at < 0:
        return None, None
    rows = [line for line in text[at:].splitlines() if line.startswith("|")]
    header = [c.strip() for c in rows[0].strip("|").split("|")]
    values, parents = [], {}
    for line in rows[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        if header[0] == "Service Category" and len(header) > 2:
            values.append(cells[1])
            parents[cells[1]] = cells[0]
        else:
            values.append(cells[0])
    return values, parents or None


def main(repo, tag):
    commit = subprocess.run(["git", "-C", repo, "rev-parse", tag], check=True, capture_output=True,
                            text=True).stdout.strip()
    files = subprocess.run(["git", "-C", repo, "ls-tree", "--name-only", tag, "specification/columns/"],
                           check=True, capture_output=True, text=True).stdout.split()
    columns = {}
    for path in sorted(f for f in files if f.endswith(".md")):
        text = show(repo, tag, path)
        m = re.search(r"^## Column ID\s*\n\s*\n(\w+)", text, re.M)
        if not m:
            continue
        values, parents = allowed_values(text)
        column = {
            "file": path,
            "feature_level": constraint(text, "Feature level"),
            "allows_nulls": constraint(text, "Allows nulls") == "True",
            "data_type": constraint(text, "Data type"),
        }
        if values:
            column["allowed_values"] = values
        if parents:
            column["parents"] = parents
        columns[m.group(1)] = column
    json.dump({"source": {"repository": "FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec", "tag": tag, "commit": commit,
                          "license": "CC-BY-4.0 (LICENSE.md beside this file)"},
               "columns": columns}, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(*sys.argv[1:3])
