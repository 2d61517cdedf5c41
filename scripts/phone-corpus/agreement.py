#!/usr/bin/env python3
"""Prints how often `routiq phone` agrees with libphonenumber on the committed corpus.

Usage: python3 scripts/phone-corpus/agreement.py [path/to/routiq]   (default: .build/release/routiq)

Needs no Python packages: the expected values are in Tests/TransformTests/Fixtures/phone-corpus.tsv, written by
generate.py. The Swift test PhoneCorpusTests asserts the same figures (agreement >= 99.5 %, no output that
libphonenumber rejects) without Python.
"""
import collections
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURE = os.path.join(ROOT, "Tests/TransformTests/Fixtures/phone-corpus.tsv")


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build/release/routiq")
    rows = [line.rstrip("\n").split("\t") for line in open(FIXTURE, encoding="utf-8") if not line.startswith("#")]
    by_region = collections.defaultdict(list)
    for row in rows:
        by_region[row[0]].append(row)
    total = agree = rejected_output = with_number = type_agree = 0
    disagreements = []
    for region, region_rows in sorted(by_region.items()):
        stdin = "\n".join(row[1] for row in region_rows) + "\n"
        out = subprocess.run([binary, "phone", "--region", region], input=stdin, capture_output=True, text=True,
                             check=True).stdout.splitlines()
        assert len(out) == len(region_rows), (region, len(out), len(region_rows))
        region_agree = 0
        for row, line in zip(region_rows, out):
            _, e164, kind, status = line.split("\t")
            total += 1
            if e164 == row[2]:
                agree += 1
                region_agree += 1
                if e164:
                    with_number += 1
                    type_agree += kind == row[3]
            else:
                disagreements.append((region, row[1], row[2], e164, status))
            if e164 and e164 != row[2] and e164 not in row[4].split(","):
                rejected_output += 1
        print("%s: %d/%d agree (%.3f %%)" % (region, region_agree, len(region_rows), 100.0 * region_agree / len(region_rows)))
    print("all: %d/%d agree (%.3f %%); types agree on %d/%d numbers; outputs libphonenumber rejects: %d"
          % (agree, total, 100.0 * agree / total, type_agree, with_number, rejected_output))
    for d in disagreements[:30]:
        print("  disagreement:", d)


if __name__ == "__main__":
    main()
