#!/usr/bin/env python3
"""Every relative link in the project's Markdown resolves: the file or directory exists, and a
#anchor names a heading of the target file (GitHub's anchor rules). Links in code blocks and code
spans are text, not links; absolute URLs are not fetched (lint has no network).

Prints each broken link as FILE:LINE: TARGET (why) and exits 1; exits 1 too when it finds no
Markdown file, so a wrong root never reads as clean. Standard library only.

    python3 scripts/check-links.py            # the tree
    python3 scripts/check-links.py DIR        # another tree (the test's fixtures)
"""

import os
import re
import sys
import urllib.parse

# The directories .gitignore keeps out of git, as scripts/source-files.sh skips them.
SKIPPED_NAMES = {".git", "node_modules", "__pycache__"}
SKIPPED_PATHS = {"build", ".deps", "bench/out", "tests/cdk/out"}

INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
HTML_ANCHOR = re.compile(r"<a\s+(?:name|id)=\"([^\"]+)\"", re.IGNORECASE)
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def markdown_files(root):
    for here, dirs, files in os.walk(root):
        rel = os.path.relpath(here, root)
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_NAMES
                         and os.path.normpath(os.path.join(rel, d)) not in SKIPPED_PATHS)
        for name in sorted(files):
            if name.endswith(".md"):
                yield os.path.join(here, name)


def prose_lines(path):
    """(line number, line) of every line outside fenced code blocks."""
    fence = None
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if fence is not None:
                if line.strip().startswith(fence):
                    fence = None
                continue
            opening = FENCE.match(line)
            if opening:
                fence = opening.group(1)
                continue
            yield number, line


def slug(heading):
    """GitHub's anchor for a heading: its rendered text, lowercased, punctuation dropped, each
    space a hyphen."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link renders as its text
    text = re.sub(r"<[^>]+>", "", text).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


_anchors = {}


def anchors_of(path):
    if path not in _anchors:
        found, seen = set(), {}
        for _, line in prose_lines(path):
            found.update(HTML_ANCHOR.findall(line))
            heading = HEADING.match(line)
            if heading:
                base = slug(heading.group(1))
                count = seen.get(base, 0)
                seen[base] = count + 1
                found.add(base if count == 0 else f"{base}-{count}")
        _anchors[path] = found
    return _anchors[path]


def targets(path):
    for number, line in prose_lines(path):
        text = CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)
        for match in INLINE_LINK.finditer(text):
            yield number, match.group(1)
        definition = REFERENCE_DEFINITION.match(text)
        if definition:
            yield number, definition.group(1)


def problem(source, target, root):
    """Why target, linked from source, does not resolve; None when it does."""
    if SCHEME.match(target) or target.startswith("//"):
        return None  # an absolute URL: not checked here
    link, _, anchor = target.partition("#")
    link = urllib.parse.unquote(link)
    if link.startswith("/"):
        resolved = os.path.normpath(os.path.join(root, link.lstrip("/")))
    else:
        resolved = os.path.normpath(os.path.join(os.path.dirname(source), link)) if link else source
    if not os.path.exists(resolved):
        return "no such file"
    if os.path.commonpath([os.path.abspath(resolved), os.path.abspath(root)]) != os.path.abspath(root):
        return "outside the repository"
    if anchor and resolved.endswith(".md") and os.path.isfile(resolved):
        if urllib.parse.unquote(anchor) not in anchors_of(resolved):
            return f"no heading with the anchor #{anchor}"
    return None


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                           os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    files = list(markdown_files(root))
    if not files:
        print(f"links: no Markdown file under {root}", file=sys.stderr)
        return 1
    broken = 0
    count = 0
    for path in files:
        for number, target in targets(path):
            count += 1
            why = problem(path, target, root)
            if why:
                broken += 1
                print(f"links: {os.path.relpath(path, root)}:{number}: {target} ({why})")
    if broken:
        print(f"links: {broken} of {count} links do not resolve ({len(files)} files)", file=sys.stderr)
        return 1
    print(f"links: every relative link resolves ({count} links, {len(files)} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
