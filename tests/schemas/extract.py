#!/usr/bin/env python3
"""Extracts, from the official OpenAPI definition of the OpenAI API
(openai/openai-openapi, openapi.json), the schemas of every object
cntraudit reads, with everything they reference, into openapi-subset.json.

    tests/schemas/extract.py PATH/TO/openapi.json COMMIT > tests/schemas/openapi-subset.json

The subset keeps the definition's own layout (components.schemas), so its
$refs resolve unchanged. Objects the definition gives only as an example
(the delete marker of DELETE /containers/{id}) are added under
x-cntraudit-examples, named by the path they come from."""
import json
import sys

# What cntraudit reads: the endpoints' reply schemas, by the name the
# validator uses for them.
ROOTS = {
    "container": "ContainerResource",
    "container_list": "ContainerListResource",
    "container_file": "ContainerFileResource",
    "container_file_list": "ContainerFileListResource",
    "response": "Response",
    "response_input_items": "ResponseItemList",
    "conversation": "ConversationResource",
    "conversation_deleted": "DeletedConversationResource",
    "conversation_items": "ConversationItemList",
    "usage_page": "UsageResponse",
    "costs_page": "UsageResponse",
    "project_list": "ProjectListResponse",
    "project_api_key_list": "ProjectApiKeyListResponse",
    "error": "ErrorResponse",
    # what the capture proxy reads: a streamed POST /responses, event by event
    "response_stream_event": "ResponseStreamEvent",
}

# Endpoints whose official examples the tests import (SPEC: every example
# document the definition gives for what cntraudit reads).
EXAMPLES = [
    ("get", "/containers"),
    ("get", "/containers/{container_id}"),
    ("delete", "/containers/{container_id}"),
    ("get", "/containers/{container_id}/files"),
    ("get", "/responses/{response_id}"),
    ("get", "/responses/{response_id}/input_items"),
    ("get", "/conversations/{conversation_id}"),
    ("get", "/conversations/{conversation_id}/items"),
    ("get", "/organization/usage/code_interpreter_sessions"),
    ("get", "/organization/costs"),
    ("get", "/organization/projects"),
    ("get", "/organization/projects/{project_id}/api_keys"),
]


# Where the definition's own examples contradict its schemas, the examples
# show what the API sends: the schema is widened, and the patch recorded.
# A patch either replaces a property's schema or (schema None) makes it optional.
PATCHES = [
    ("ModelResponseProperties", "user", {"anyOf": [{"type": "string"}, {"type": "null"}]},
     'the example of GET /responses/{response_id} has "user": null; the schema says string'),
    ("OutputTextContent", "logprobs", None,
     "the example of GET /responses/{response_id} has an output_text without logprobs; the schema requires it"),
] + [
    (name, field, {"anyOf": [{"type": "string"}, {"type": "null"}]},
     "an empty list has no first or last ID: OpenAI's lists answer null then (as the definition types its "
     "Projects lists; third-party mocks of OpenAI lists agree); the definition types this list's as a string")
    for name in ("ContainerListResource", "ContainerFileListResource", "ResponseItemList", "ConversationItemList")
    for field in ("first_id", "last_id")
]


def refs(node, out):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            out.add(ref.rsplit("/", 1)[1])
        for value in node.values():
            refs(value, out)
    elif isinstance(node, list):
        for value in node:
            refs(value, out)


def main():
    spec = json.load(open(sys.argv[1]))
    commit = sys.argv[2]
    schemas = spec["components"]["schemas"]
    keep, todo = set(), list(ROOTS.values())
    while todo:
        name = todo.pop()
        if name in keep:
            continue
        keep.add(name)
        found = set()
        refs(schemas[name], found)
        todo.extend(found - keep)
    patched = []
    for name, prop, schema, why in PATCHES:
        if schema is None:
            schemas[name]["required"] = [r for r in schemas[name]["required"] if r != prop]
        else:
            original = schemas[name]["properties"][prop]
            schemas[name]["properties"][prop] = dict(schema, description=original.get("description", ""))
        patched.append({"schema": name, "property": prop, "now": schema or "optional", "why": why})
    examples = {}
    for method, path in EXAMPLES:
        example = spec["paths"][path][method]["x-oaiMeta"]["examples"]["response"]
        examples[method.upper() + " " + path] = json.loads(example)
    subset = {
        "x-cntraudit-source": {
            "repository": "https://github.com/openai/openai-openapi",
            "file": "openapi.json",
            "commit": commit,
            "info.version": spec["info"]["version"],
            "licence": "MIT, see LICENSE beside this file",
        },
        "x-cntraudit-roots": ROOTS,
        "x-cntraudit-patches": patched,
        "x-cntraudit-examples": examples,
        "components": {"schemas": {name: schemas[name] for name in sorted(keep)}},
    }
    json.dump(subset, sys.stdout, indent=1, sort_keys=False)
    sys.stdout.write("\n")


main()
