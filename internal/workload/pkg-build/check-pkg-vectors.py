#!/usr/bin/env python3
"""Compare the pkg built here (via run-pkg.sh) with the recorded FreeBSD pkg vectors.

usage: check-pkg-vectors.py VUXML_COMBINED [--tsv]
  VUXML_COMBINED  the assembled document described in /work/shared/vectors/freebsd-audit.tsv
                  (sha256 039fa36c...4407f)
Checks every block of freebsd-audit-text.txt byte for byte (stdout, exit status, empty stderr);
with --tsv also the vid set and exit status of every operand of freebsd-audit.tsv.
"""
import os, re, subprocess, sys

VEC = "/work/shared/vectors"
RUN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "run-pkg.sh")
db = sys.argv[1]
bad = 0

def run(operand):
    p = subprocess.run([RUN, "audit", "-f", db, operand], capture_output=True)
    return p.stdout.decode(), p.stderr.decode(), p.returncode

# text vectors
lines = open(os.path.join(VEC, "freebsd-audit-text.txt")).read().split("\n")
i, n = 0, 0
while i < len(lines):
    if not lines[i].startswith("$ pkg audit -f vuxml-combined.xml "):
        i += 1
        continue
    operand = lines[i][len("$ pkg audit -f vuxml-combined.xml "):]
    j = i + 1
    out = []
    while not re.fullmatch(r"exit=\d+", lines[j]):
        out.append(lines[j]); j += 1
    want_out, want_rc = "\n".join(out) + "\n", int(lines[j][5:])
    got_out, got_err, got_rc = run(operand)
    n += 1
    if (got_out, got_err, got_rc) != (want_out, "", want_rc):
        bad += 1
        print(f"TEXT MISMATCH {operand}: rc {got_rc} (want {want_rc}) stderr {got_err!r}")
        for tag, s in (("want", want_out), ("got", got_out)):
            print(f"--- {tag}\n{s}", end="")
    i = j + 1
print(f"text vectors: {n} runs, {bad} mismatches")

if "--tsv" in sys.argv:
    m = tb = 0
    for line in open(os.path.join(VEC, "freebsd-audit.tsv")):
        if line.startswith("#") or not line.strip():
            continue
        operand, vids = line.rstrip("\n").split("\t")
        want = sorted(set(vids.split(","))) if vids else []
        out, err, rc = run(operand)
        got = sorted(set(re.findall(r"vuxml\.FreeBSD\.org/freebsd/([^/]+)\.html", out)))
        m += 1
        if got != want or rc != (1 if want else 0) or err:
            tb += 1
            print(f"TSV MISMATCH {operand}: got {got} rc {rc} stderr {err!r}; want {want}")
    print(f"tsv vectors: {m} operands, {tb} mismatches")
    bad += tb
sys.exit(1 if bad else 0)
