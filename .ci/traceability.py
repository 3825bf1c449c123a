#!/usr/bin/env python3
"""Recomputes the coverage tables of docs/gpconnect-traceability.md from its
rows, after rows were edited (tests/traceability.rs checks they agree).

usage: python3 .ci/traceability.py [--check]
"""
import re
import sys

DOC = "docs/gpconnect-traceability.md"
LAST = ("AppointmentAmend", "AppointmentBook", "AppointmentCancel", "AppointmentRead",
        "AppointmentRetrieve", "PatientRegister")
STATUSES = ("covered", "partial", "none", "n/a")


def sections(text):
    out, current = {}, None
    for line in text.splitlines():
        m = re.match(r"^## (\S+\.feature)$", line)
        if m:
            current = m.group(1)
            out[current] = {s: 0 for s in STATUSES + ("xml",)}
            continue
        if line.startswith("## "):
            current = None
        if current and re.match(r"^\| \d+ \|", line):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            out[current][cells[3]] += 1
            if cells[3] == "n/a" and cells[4].startswith("xml"):
                out[current]["xml"] += 1
    return out


def line(name, c):
    total = sum(c[s] for s in STATUSES)
    base = total - c["n/a"]
    cov = f"{100 * c['covered'] / base:.1f}%" if base else "—"
    return f"| {name} | {total} | {c['covered']} | {c['partial']} | {c['none']} | {c['n/a']} | {cov} |"


def add(rows, without_xml=False):
    out = {s: 0 for s in STATUSES + ("xml",)}
    for c in rows:
        for s in STATUSES + ("xml",):
            out[s] += c[s]
    if without_xml:
        out["n/a"] -= out["xml"]
        out["xml"] = 0
    return out


def main():
    text = open(DOC).read()
    secs = sections(text)
    lines = text.split("\n")
    for i, l in enumerate(lines):
        m = re.match(r"^\| (\S+\.feature) \|", l)
        if m and m.group(1) in secs and "| covered |" not in l and l.count("|") == 8:
            lines[i] = line(m.group(1), secs[m.group(1)])
        if l.startswith("| **total** |"):
            lines[i] = line("**total**", add(secs.values()))
        if l.startswith("| non-SSP, not XML-only |"):
            lines[i] = line("non-SSP, not XML-only", add((c for f, c in secs.items() if f != "SSP.feature"), True))
        if l.startswith("| non-SSP, not XML-only, without Appointment* and PatientRegister |"):
            lines[i] = line("non-SSP, not XML-only, without Appointment* and PatientRegister",
                            add((c for f, c in secs.items() if f != "SSP.feature" and not f.startswith(LAST)), True))
    new = "\n".join(lines)
    if "--check" in sys.argv:
        sys.exit(0 if new == text else 1)
    open(DOC, "w").write(new)


if __name__ == "__main__":
    main()
