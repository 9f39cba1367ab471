#!/usr/bin/python3
"""Validates OpenAI API documents against the official schemas
(openapi-subset.json beside this file, taken from openai/openai-openapi).

    tests/schemas/validate.py FILE...      (JSON: one document or an array; .jsonl: one per line)
    tests/schemas/validate.py --examples   (the definition's own examples, as a self-check)

Each document's schema is chosen the way cntraudit detects kinds: by its
"object" field and, for list pages, by what the list holds. An item list is
a conversation's when the file name holds a conv_ token or "conversation",
a response's input items otherwise. Prints one line per invalid document
(file, line, the first error and where) and exits 1 if there was one."""
import json
import os
import re
import sys
import warnings

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
BUNDLE = json.load(open(os.path.join(HERE, "openapi-subset.json")))
ROOTS = BUNDLE["x-cntraudit-roots"]

# DELETE /containers/{id} has no schema in the definition, only its example:
# {"id": "cntr_…", "object": "container.deleted", "deleted": true}.
CONTAINER_DELETED = {
    "type": "object",
    "required": ["id", "object", "deleted"],
    "properties": {
        "id": {"type": "string"},
        "object": {"const": "container.deleted"},
        "deleted": {"type": "boolean"},
    },
}


def validator_for(root):
    if root == "container_deleted":
        schema = CONTAINER_DELETED
    else:
        schema = {"$ref": "#/components/schemas/" + ROOTS[root]}
    with warnings.catch_warnings():  # RefResolver: what Debian 12's jsonschema 4.10 has
        warnings.simplefilter("ignore", DeprecationWarning)
        resolver = jsonschema.RefResolver("", BUNDLE)
    return jsonschema.Draft202012Validator(schema, resolver=resolver)


VALIDATORS = {}


def discriminator_failed(error):
    """Whether a oneOf branch failed on the object's "type": the wrong branch."""
    return error.validator in ("enum", "const") and list(error.relative_path) == ["type"]


def explain(error):
    """The error inside the oneOf/anyOf branch the document meant (the one
    whose "type" matched), rather than jsonschema's guess among branches."""
    while error is not None and error.context:
        branches = {}
        for e in error.context:
            branches.setdefault(e.relative_schema_path[0], []).append(e)
        meant = [errs for errs in branches.values() if not any(discriminator_failed(e) for e in errs)]
        if len(meant) != 1:
            break
        error = pick(meant[0])
    return error


def pick(errors):
    """The most relevant of errors at one level, without descending."""
    errors = list(errors)
    return max(errors, key=jsonschema.exceptions.relevance) if errors else None


def validate(root, doc):
    if root not in VALIDATORS:
        VALIDATORS[root] = validator_for(root)
    return explain(pick(VALIDATORS[root].iter_errors(doc)))


def item_list_root(path):
    name = os.path.basename(path)
    if re.search(r"(^|[^A-Za-z0-9])conv_", name) or "conversation" in name:
        return "conversation_items"
    return "response_input_items"


def root_of(doc, path):
    """The schema a document must satisfy, or None when it is no API object."""
    if not isinstance(doc, dict):
        return None
    if "error" in doc and "object" not in doc:
        return "error"
    obj = doc.get("object")
    simple = {
        "container": "container",
        "container.deleted": "container_deleted",
        "container.file": "container_file",
        "response": "response",
        "conversation": "conversation",
        "conversation.deleted": "conversation_deleted",
    }
    if obj in simple:
        return simple[obj]
    data = doc.get("data")
    if obj == "list" and isinstance(data, list):
        first = data[0] if data else {}
        inner = first.get("object") if isinstance(first, dict) else None
        lists = {
            "container": "container_list",
            "container.file": "container_file_list",
            "organization.project": "project_list",
            "organization.project.api_key": "project_api_key_list",
        }
        if inner in lists:
            return lists[inner]
        if inner == "response":
            return None  # Azure's list of responses: not in OpenAI's definition
        return item_list_root(path)
    if obj == "page":
        return "usage_page"
    if isinstance(doc.get("type"), str) and doc["type"].startswith("response.") and "sequence_number" in doc:
        return "response_stream_event"
    return None


def documents(path):
    """(line, document) pairs of a JSON or JSON Lines file."""
    text = open(path, encoding="utf-8").read()
    if path.endswith(".jsonl"):
        for n, line in enumerate(text.split("\n"), 1):
            if line.strip():
                yield n, json.loads(line)
        return
    doc = json.loads(text)
    for element in doc if isinstance(doc, list) else [doc]:
        yield 1, element


def check(path, line, doc, failures):
    root = root_of(doc, path)
    if root is None:
        failures.append("%s:%d: not an OpenAI API object this validator knows" % (path, line))
        return
    error = validate(root, doc)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        failures.append("%s:%d: %s at %s: %s" % (path, line, ROOTS.get(root, root), where, error.message[:300]))


def main(argv):
    failures, count = [], 0
    if argv == ["--examples"]:
        for name, doc in BUNDLE["x-cntraudit-examples"].items():
            check(name, 1, doc, failures)
            count += 1
    else:
        for path in argv:
            for line, doc in documents(path):
                check(path, line, doc, failures)
                count += 1
    for f in failures:
        print(f)
    print("%d document%s, %d invalid" % (count, "" if count == 1 else "s", len(failures)), file=sys.stderr)
    return 1 if failures or count == 0 else 0


sys.exit(main(sys.argv[1:]))
