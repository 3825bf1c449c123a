#!/usr/bin/env python3
"""A third party's reading of our FHIR: every body the harness sent to the
GP Connect candidate and every answer the candidate gave with 2xx, parsed as
FHIR STU3 by `fhir.resources` (PyPI), which refuses elements STU3 does not
define, and held to FHIR JSON's rule that arrays and objects are never empty. FHIR XML bodies are parsed by its XML parser (lxml), so the
harness's own XML reader and writer are not the only judges of its XML. Refused requests are left out: many carry deliberate mistakes. The
candidate's own calls to national services (FHIR R4: PDS, SDS, EPS) are not
GP Connect and are left out too.

usage: stu3_bodies.py EVIDENCE.ndjson   (exit 1 if any body does not parse)
"""

import importlib
import json
import sys
import xml.etree.ElementTree as ET
from collections import Counter

FHIR_NS = "{http://hl7.org/fhir}"


def model(resource_type):
    try:
        module = importlib.import_module("fhir.resources.STU3." + resource_type.lower())
        return getattr(module, resource_type)
    except (ImportError, AttributeError):
        return None


def empty_at(v, at="$"):
    """Where FHIR JSON's "no empty arrays or objects" rule is broken, if anywhere
    (fhir.resources accepts `[]`; the FHIR JSON page does not)."""
    if isinstance(v, (list, dict)) and not v:
        return at
    items = v.items() if isinstance(v, dict) else enumerate(v) if isinstance(v, list) else []
    for k, x in items:
        where = empty_at(x, f"{at}.{k}" if isinstance(v, dict) else f"{at}[{k}]")
        if where:
            return where
    return None


def text(body):
    if isinstance(body, dict):
        return body.get("text") or body.get("json")
    return body


def xml_error(body):
    """Why fhir.resources' STU3 XML parser refuses a FHIR XML body, or None."""
    try:
        tag = ET.fromstring(body.encode("utf-8")).tag
    except ET.ParseError as err:
        return f"not XML: {err}"
    if not tag.startswith(FHIR_NS):
        return f"root <{tag}> is not in the FHIR namespace"
    m = model(tag[len(FHIR_NS):])
    if m is None:
        return f"<{tag}> is not an STU3 resource type"
    try:
        m.parse_raw(body.encode("utf-8"), content_type="text/xml")
    except Exception as err:  # fhir.resources raises pydantic's and lxml's errors
        return f"not STU3 XML: {str(err)[:400]}"
    return None


def main(path):
    checked = Counter()
    failures = []
    unknown = Counter()
    with open(path, encoding="utf-8") as f:
        for line in f:
            e = json.loads(line)
            req, resp = e.get("request") or {}, e.get("response") or {}
            if "/gpconnect/" not in req.get("url", "") or not 200 <= resp.get("status", 0) < 300:
                continue
            for side, body in (("request", req.get("body")), ("response", resp.get("body"))):
                body = text(body)
                if not body:
                    continue
                if isinstance(body, str) and body.lstrip().startswith("<"):
                    err = xml_error(body)
                    if err:
                        failures.append((side, e.get("requirement"), e.get("scenario"), err))
                    else:
                        checked["xml"] += 1
                    continue
                try:
                    doc = json.loads(body) if isinstance(body, str) else body
                except ValueError:
                    continue
                if not isinstance(doc, dict) or "resourceType" not in doc:
                    continue
                hollow = empty_at(doc)
                if hollow:
                    failures.append((side, e.get("requirement"), e.get("scenario"), f"{hollow} is empty"))
                    continue
                m = model(doc["resourceType"])
                if m is None:
                    unknown[doc["resourceType"]] += 1
                    continue
                try:
                    m.parse_obj(doc)
                    checked[side] += 1
                except Exception as err:  # fhir.resources raises pydantic's errors
                    failures.append((side, e.get("requirement"), e.get("scenario"), str(err)[:400]))
    print(f"parsed as STU3: {checked['request']} request bodies, {checked['response']} response bodies and {checked['xml']} FHIR XML bodies")
    for t, n in unknown.items():
        print(f"not an STU3 resource type: {t} ({n})")
    for side, req, scenario, err in failures:
        print(f"NOT STU3 ({side}) {req} «{scenario}»: {err}")
    # A check that saw nothing would pass vacuously.
    if checked["request"] < 100 or checked["response"] < 1000 or checked["xml"] < 50:
        print("too few bodies checked: is this the evidence of a whole run?")
        return 1
    return 1 if failures or unknown else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
