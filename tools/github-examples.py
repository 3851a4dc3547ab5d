#!/usr/bin/env python3
"""Copy GitHub's own example responses into the GitHub adapter's test fixtures.

The GitHub adapter's WireMock tests answer with JSON shaped exactly like GitHub's. The shapes come
from GitHub's OpenAPI description, npm package @octokit/openapi (MIT), pinned in
test-fixtures/package.json and installed with `npm ci --prefix test-fixtures`. This script copies
the example responses the tests use, unchanged, into

    library/src/test/resources/dev/hydra/forge/github/examples/<name>.json

(sorted keys, 2-space indent, trailing newline: the same input gives the same bytes), and
SOURCE.json naming the package, its version and which example each file is. The tests
load them, change only the values they assert on (login, number, labels...), and point the
api.github.com URLs in them at the WireMock server.

Usage (from the repository root):

    npm ci --prefix test-fixtures
    python3 tools/github-examples.py

GitHubExamplesTest checks the committed files against the installed package on every build
(skipped when test-fixtures/node_modules is absent, failing with HYDRA_REQUIRE_FIXTURES=1).
Python 3 standard library only.
"""

import json
import pathlib
import sys

SPEC = pathlib.Path("test-fixtures/node_modules/@octokit/openapi/generated/api.github.com.json")
OUT = pathlib.Path("library/src/test/resources/dev/hydra/forge/github/examples")

# fixture file name -> components/examples name in the OpenAPI description
EXAMPLES = {
    "user": "private-user-response-with-public-and-private-profile-information",
    "repository": "full-repository-default-response",
    "collaborator-permission": "repository-collaborator-permission-response-if-user-has-admin-permissions",
    "issue": "issue",
    "issue-events": "issue-event-for-issue-items",
    "labels": "label-items",
    "label": "label",
    "label-updated": "label-2",
    "issue-comment": "issue-comment",
    "issue-comments": "issue-comment-items",
    "pulls": "pull-request-simple-items",
    "pull-request": "pull-request",
    "merge-result": "pull-request-merge-result-response-if-merge-was-successful",
    "pull-request-review": "pull-request-review",
    "status": "status",
}


def main() -> int:
    if not SPEC.is_file():
        print(f"{SPEC} not found: run `npm ci --prefix test-fixtures` first", file=sys.stderr)
        return 1
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    examples = spec["components"]["examples"]
    OUT.mkdir(parents=True, exist_ok=True)
    for name, key in sorted(EXAMPLES.items()):
        if key not in examples:
            print(f"example {key} is not in {SPEC}", file=sys.stderr)
            return 1
        text = json.dumps(examples[key]["value"], indent=2, sort_keys=True, ensure_ascii=False)
        (OUT / f"{name}.json").write_text(text + "\n", encoding="utf-8")
    package = json.loads((SPEC.parent.parent / "package.json").read_text(encoding="utf-8"))
    source = {
        "package": package["name"],
        "version": package["version"],
        "file": "generated/api.github.com.json",
        "examples": EXAMPLES,
    }
    (OUT / "SOURCE.json").write_text(json.dumps(source, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {len(EXAMPLES)} examples to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
