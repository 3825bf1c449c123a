#!/usr/bin/env python3
"""Prints one line per scenario of a results.json: requirement, file:line,
outcome and each step's status, so two runs' outcomes compare with `diff`.
Used to show a restructuring left behaviour unchanged (issue 22):

    rfa run -q --out before ; (rebuild) ; rfa run -q --out after
    diff <(.ci/outcomes.py before/results.json) <(.ci/outcomes.py after/results.json)
"""
import json
import sys

doc = json.load(open(sys.argv[1]))
for r in doc["requirements"]:
    print(f"{r['id']}\t{r['outcome']}")
    for s in r.get("scenarios", []):
        steps = "".join(st["status"][0] for st in s.get("steps", []))
        print(f"{r['id']}\t{s['file']}:{s['line']}\t{s['outcome']}\t{steps}")
