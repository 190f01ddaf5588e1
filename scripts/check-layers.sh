#!/usr/bin/env bash
# The concept folders of src/ and include/healthprobe/ are layers: a file may include its own folder
# and folders of lower layers, never a folder of its own layer or above. docs/ARCHITECTURE.md says
# why each folder sits where it does. Prints every include that breaks the rule and exits 1;
# exits 1 too when it finds no file to check (a wrong working directory must not read as clean).
#
#   bash scripts/check-layers.sh            # the tree
#   bash scripts/check-layers.sh DIR        # another tree with the same layout (the test's fixtures)
set -euo pipefail
top="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"

# Bottom first. version.h is generated and includes nothing of ours.
layer_of() {
  case "$1" in
    version.h) echo 0 ;;
    core) echo 1 ;;
    parsing) echo 2 ;;
    checks | reporting) echo 3 ;;
    http | state) echo 4 ;;
    runtime) echo 5 ;;
    main) echo 6 ;;
    *) echo "" ;;
  esac
}

# The folder a file belongs to: src/F/x.cpp and include/healthprobe/F/x.h are in F; src/main.cpp in main.
folder_of() {
  local rel="${1#"$top"/}"
  case "$rel" in
    src/main.cpp) echo main ;;
    src/*/*) rel="${rel#src/}"; echo "${rel%%/*}" ;;
    include/healthprobe/*/*) rel="${rel#include/healthprobe/}"; echo "${rel%%/*}" ;;
    *) echo "" ;;
  esac
}

checked=0
bad=0
while IFS= read -r -d '' file; do
  from=$(folder_of "$file")
  from_layer=$(layer_of "$from")
  if [ -z "$from_layer" ]; then
    echo "layers: ${file#"$top"/} is in no known layer (add its folder to scripts/check-layers.sh)"
    bad=$((bad + 1))
    continue
  fi
  checked=$((checked + 1))
  while IFS= read -r included; do
    to="${included%%/*}"
    [ "$to" = "$from" ] && continue
    to_layer=$(layer_of "$to")
    if [ -z "$to_layer" ] || [ "$to_layer" -ge "$from_layer" ]; then
      echo "layers: ${file#"$top"/} ($from, layer $from_layer) includes healthprobe/$included" \
        "(${to:-?}, layer ${to_layer:-unknown}): includes must run down"
      bad=$((bad + 1))
    fi
  done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"healthprobe\/\([^"]*\)".*/\1/p' "$file")
done < <(find "$top/src" "$top/include/healthprobe" -type f \( -name '*.cpp' -o -name '*.h' \) -print0 | sort -z)

if [ "$checked" -eq 0 ]; then
  echo "layers: no source file found under $top/src or $top/include/healthprobe" >&2
  exit 1
fi
if [ "$bad" -ne 0 ]; then
  echo "layers: $bad include(s) run up or sideways (of $checked files)" >&2
  exit 1
fi
echo "layers: every include runs down ($checked files)"
