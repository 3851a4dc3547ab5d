#!/usr/bin/env python3
"""Cut the Forgejo API subset that Hydra's generated client is built from.

Hydra's Forgejo adapter talks to Forgejo through a client that openapi-generator writes at build
time (module forgejo-client). We do not feed it the whole Forgejo swagger (464 operations, slow to
generate, a huge client): we feed it a subset holding only the operations we call. This script
makes that subset, so that nobody edits it by hand:

  * it copies the path items of the operations named in the operations file (one operationId a
    line; blank lines and lines starting with '#' are ignored), each operation object unchanged;
  * it follows every "$ref" ("#/definitions/...", "#/responses/...", "#/parameters/...")
    transitively and copies each target unchanged;
  * it keeps the top-level consumes/produces/schemes/basePath and, of the security schemes, only
    AuthorizationHeaderToken (the `native` generator ignores auth anyway: callers add the header);
  * it replaces the Go-template placeholders of the raw Forgejo template
    ({{AppVer | JSEscape}}, {{AppSubUrl | JSEscape}}) if they are still there: basePath becomes
    "/api/v1", info.version becomes the reference version followed by "-subset" (or --version);
  * it writes JSON with sorted keys, 2-space indent and a trailing newline, so that the same input
    always gives the same bytes.

It fails (exit 1) when an operationId is not in the reference, or a $ref does not resolve.

Usage (from the repository root; the reference lives in ../shared/reference/):

  python3 tools/forgejo-subset.py ../shared/reference/forgejo-api-v1.swagger.json \\
      forgejo-client/src/main/openapi/operations.txt \\
      -o forgejo-client/src/main/openapi/forgejo-subset.json

Python 3 standard library only. forgejo-client's SubsetSpecTest checks the committed output
against the reference again on every build.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from typing import Any

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
KEPT_SECURITY_SCHEME = "AuthorizationHeaderToken"
APP_VER = "{{AppVer | JSEscape}}"
APP_SUB_URL = "{{AppSubUrl | JSEscape}}"


def read_operations(path: str) -> list[str]:
    ops: list[str] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                ops.append(line)
    dupes = sorted({o for o in ops if ops.count(o) > 1})
    if dupes:
        raise SystemExit(f"{path}: operationIds listed twice: {', '.join(dupes)}")
    return ops


def iter_refs(node: Any):
    """Yields every "$ref" string below node."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from iter_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from iter_refs(item)


def split_ref(ref: str) -> tuple[str, str]:
    parts = ref.split("/")
    if len(parts) != 3 or parts[0] != "#":
        raise SystemExit(f"unsupported $ref (only local '#/section/name' refs): {ref}")
    return parts[1], parts[2]


def build_subset(ref: dict[str, Any], operation_ids: list[str], version: str | None,
                 source_sha256: str) -> dict[str, Any]:
    wanted = set(operation_ids)
    paths: dict[str, dict[str, Any]] = {}
    for path, item in ref["paths"].items():
        for method, op in item.items():
            if method in HTTP_METHODS and op.get("operationId") in wanted:
                paths.setdefault(path, {})[method] = op
                wanted.discard(op["operationId"])
        extra = set(item) - set(HTTP_METHODS)
        if path in paths and extra:
            # Path-level "parameters" would apply to every method; Forgejo's spec has none.
            raise SystemExit(f"path {path} has path-level keys {sorted(extra)}: not supported")
    if wanted:
        raise SystemExit("operationIds not in the reference: " + ", ".join(sorted(wanted)))

    # Follow $refs transitively.
    components: dict[str, dict[str, Any]] = {}
    pending = list(iter_refs(paths))
    while pending:
        section, name = split_ref(pending.pop())
        if name in components.get(section, {}):
            continue
        try:
            target = ref[section][name]
        except KeyError:
            raise SystemExit(f"$ref #/{section}/{name} does not resolve in the reference") from None
        components.setdefault(section, {})[name] = target
        pending.extend(iter_refs(target))

    info = dict(ref["info"])
    ref_version = str(info.get("version", ""))
    if version is None:
        if APP_VER in ref_version or not ref_version:
            raise SystemExit("the reference has no usable info.version: pass --version")
        version = ref_version + "-subset"
    info["version"] = version
    info["description"] = (
        info.get("description", "")
        + " Subset used by Hydra's generated Forgejo client, cut by tools/forgejo-subset.py;"
        + " do not edit by hand."
    )
    info["x-hydra-reference-sha256"] = source_sha256

    base_path = ref.get("basePath", "/api/v1").replace(APP_SUB_URL, "")
    if not base_path.startswith("/"):
        base_path = "/" + base_path

    out: dict[str, Any] = {}
    for key in ("swagger", "consumes", "produces", "schemes"):
        if key in ref:
            out[key] = ref[key]
    out["info"] = info
    out["basePath"] = base_path
    out["paths"] = paths
    for section in sorted(components):
        out[section] = components[section]
    schemes = ref.get("securityDefinitions", {})
    if KEPT_SECURITY_SCHEME not in schemes:
        raise SystemExit(f"securityDefinitions.{KEPT_SECURITY_SCHEME} missing from the reference")
    out["securityDefinitions"] = {KEPT_SECURITY_SCHEME: schemes[KEPT_SECURITY_SCHEME]}
    out["security"] = [{KEPT_SECURITY_SCHEME: []}]
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("reference", help="Forgejo swagger 2.0 JSON (v1_json.tmpl or rendered)")
    parser.add_argument("operations", help="file with one operationId a line")
    parser.add_argument("-o", "--output", help="where to write the subset (default: stdout)")
    parser.add_argument("--version", help="info.version of the subset (default: reference's + '-subset')")
    args = parser.parse_args(argv)

    with open(args.reference, "rb") as f:
        raw = f.read()
    text = raw.decode("utf-8")
    # The raw template has the placeholders inside JSON strings; they parse as-is.
    reference = json.loads(text)
    subset = build_subset(reference, read_operations(args.operations), args.version,
                          hashlib.sha256(raw).hexdigest())
    rendered = json.dumps(subset, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if args.output:
        tmp = args.output + ".tmp"
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            f.write(rendered)
        os.replace(tmp, args.output)
    else:
        sys.stdout.write(rendered)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
