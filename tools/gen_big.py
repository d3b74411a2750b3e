#!/usr/bin/env python3
# Writes a large, deterministic, schema-valid IATI activity file by repeating a real publisher's activities, for large-file tests.
"""Usage: python3 tools/gen_big.py --mb 200 --out /tmp/big.xml [--source FILE]

Activities are copied as raw bytes (never reparsed or pretty-printed) so the output keeps the
source's real-world formatting; only identifiers get a `-R<n>` suffix so that they stay unique.
"""
import argparse
import os
import re
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SOURCE = os.path.join(REPO_ROOT, "..", "shared", "corpus", "iati-real", "un-iom-2.03.xml")

# Bytes, not str: the source's encoding and every byte of it pass through untouched.
ROOT_START = re.compile(rb"<iati-activities\b[^>]*>")
# The leading whitespace is kept so the repeated activities are indented like the source.
ACTIVITY = re.compile(rb"[ \t]*<iati-activity\b.*?</iati-activity>", re.S)
IDENTIFIER = re.compile(rb"(<iati-identifier\b[^>]*>\s*)(.*?)(\s*</iati-identifier>)", re.S)
RELATED_REF = re.compile(rb"(<related-activity\b[^>]*?\bref\s*=\s*)([\"'])(.*?)\2", re.S)


def load(source):
    with open(source, "rb") as f:
        data = f.read()
    root = ROOT_START.search(data)
    if root is None:
        sys.exit(f"gen_big: no <iati-activities> start tag in {source}")
    activities = [m.group(0) for m in ACTIVITY.finditer(data, root.end())]
    if not activities:
        sys.exit(f"gen_big: no <iati-activity> elements in {source}")
    prolog = data[: root.end()]
    if not prolog.lstrip().startswith(b"<?xml"):
        prolog = b'<?xml version="1.0" encoding="UTF-8"?>\n' + prolog
    return prolog, activities


def templates(activities):
    """Split each activity into literal chunks around the places that take the -R<n> suffix.

    Precomputing this keeps the per-copy cost to a join, which matters at ~70k copies per 200 MB.
    """
    ids = set()
    for act in activities:
        m = IDENTIFIER.search(act)
        if m:
            ids.add(m.group(2))
    out = []
    for act in activities:
        slots = []  # end offsets after which the suffix is inserted
        m = IDENTIFIER.search(act)
        if m:
            slots.append(m.end(2))
        # Only refs to activities of this same file: they are repeated alongside, so the link
        # stays inside one repetition; refs to outside activities must keep pointing outside.
        for r in RELATED_REF.finditer(act):
            if r.group(3).strip() in ids:
                slots.append(r.start(3) + len(r.group(3).rstrip()))
        slots.sort()
        chunks, prev = [], 0
        for s in slots:
            chunks.append(act[prev:s])
            prev = s
        chunks.append(act[prev:])
        out.append(chunks)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, required=True, help="target size in MiB (output ends just past it)")
    ap.add_argument("--out", required=True, help="output file, or - for stdout")
    ap.add_argument("--source", default=DEFAULT_SOURCE, help="IATI activity file to repeat (default: %(default)s)")
    args = ap.parse_args()

    prolog, activities = load(args.source)
    tmpl = templates(activities)
    target = int(args.mb * 1024 * 1024)
    closing = b"\n</iati-activities>\n"

    out = sys.stdout.buffer if args.out == "-" else open(args.out, "wb", buffering=1 << 20)
    written = 0
    count = 0
    try:
        out.write(prolog)
        written += len(prolog)
        rep = 0
        # At least one activity: the schema requires it even for a tiny --mb.
        while count == 0 or written + len(closing) < target:
            rep += 1
            suffix = b"-R%d" % rep
            for chunks in tmpl:
                piece = b"\n" + suffix.join(chunks)
                out.write(piece)
                written += len(piece)
                count += 1
                if written + len(closing) >= target:
                    break
        out.write(closing)
        written += len(closing)
    finally:
        if out is not sys.stdout.buffer:
            out.close()
    print(f"gen_big: {count} activities, {written} bytes -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
