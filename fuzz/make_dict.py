#!/usr/bin/env python3
"""Writes fuzz/ocpp.dict (libFuzzer dictionary) from the official schemas:
every action, property name and enum value (as JSON strings), then frame,
number, escape and date-time pieces. Run from the repository root."""
import glob
import json
import os

toks = set()


def walk(s):
    if isinstance(s, dict):
        for k, v in s.items():
            if k == "properties":
                toks.update(v)
            if k == "enum":
                toks.update(str(e) for e in v)
            walk(v)
    elif isinstance(s, list):
        for x in s:
            walk(x)


for f in glob.glob("schemas/ocpp16/*.json"):
    name = os.path.basename(f)[:-5]
    if not name.endswith("Response"):
        toks.add(name)
    with open(f) as fh:
        walk(json.load(fh))


def esc(raw: str) -> str:
    return '"' + raw.replace("\\", "\\\\").replace('"', '\\"') + '"'


EXTRA = ['[2,"', '[3,"', '[4,"', '",{', "},{}]", "{}", "[]", ":", ",", "null",
         "true", "false", "-0", "2147483648", "-2147483649", "1e999", "0.1",
         "1.5e2", "\\u0000", "\\ud800", "\\udc00", "\\u00e9", '\\"', "\\\\",
         "2026-11-25T10:00:00Z", "2026-11-25T10:00:00.123+01:00",
         "2026-11-25T10:00:00", "InternalError", "FormationViolation",
         "ProtocolError", "PropertyConstraintViolation",
         "OccurenceConstraintViolation", "TypeConstraintViolation",
         "GenericError", "NotImplemented", "NotSupported", "SecurityError"]
lines = [
    "# OCPP 1.6J tokens for libFuzzer (-dict=fuzz/ocpp.dict): every action,",
    "# property name and enum value of the official schemas (as JSON strings),",
    "# then frame, number, escape and date-time pieces. Written by",
    "# fuzz/make_dict.py from schemas/ocpp16.",
]
lines += [esc(json.dumps(t)) for t in sorted(toks)]
lines += [esc(t) for t in EXTRA]
lines.append('"\\xC3\\xA9"')  # é, raw UTF-8
lines.append('"\\xFF"')  # never UTF-8
with open("fuzz/ocpp.dict", "w") as fh:
    fh.write("\n".join(lines) + "\n")
