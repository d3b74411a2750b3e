#!/usr/bin/env bash
# Environment faults on real files (issue 6, Table 2 of notes/ux-reliability.md): a file-size limit, a full
# device, an unwritable folder, the output being the input, a closed stdout and an interrupt must each end
# with the right exit code, no partial target, an old target byte-identical and no temp file or folder left.
set -u
bin=$(readlink -f "$1")
repo=$(cd "$(dirname "$0")/.." && pwd)
seed=$repo/fixtures/seed/seed.xml
for tool in python3 sha256sum find; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is needed and missing"; exit 77; }
done
# Under /tmp and world-readable, so the unwritable-folder case can run as 'nobody' when we are root.
work=$(mktemp -d /tmp/projconv-faults.XXXXXX)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
chmod 755 "$work"
cd "$work" || exit 1
failures=0

# Big enough that the JSON output is far past the pipe buffer and any size limit below, and that a
# conversion takes long enough (over a second with validation) to be interrupted half way.
python3 "$repo/tools/gen_big.py" --mb 80 --out big.xml --source "$seed" 2>/dev/null ||
  { echo "FAIL: tools/gen_big.py could not write an 80 MiB input in $work"; exit 1; }
if ! { "$bin" --no-validate "$seed" old.json && "$bin" --no-validate "$seed" oldpkg/; } 2>/dev/null; then
  echo "FAIL: cannot convert the seed file, so there is no old output to protect"
  exit 1
fi

# The bytes of a file, or the names and bytes of a folder's files; "absent" when there is nothing.
fingerprint() {
  if [ -d "$1" ]; then
    (cd "$1" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum) | sha256sum
  elif [ -e "$1" ]; then
    sha256sum <"$1"
  else
    echo absent
  fi
}

# Our temp files (.NAME.projconv-XXXXXX), temp folders (NAME.projconv-XXXXXX) and set-aside packages.
leftovers() { find "$1" -maxdepth 1 -name '*.projconv-*' -printf '%f ' 2>/dev/null; }

# Puts the old output (a file or a package) at $2, or leaves $2 absent when $1 is "new".
place() {
  rm -rf "$2"
  case $1 in
    old) if [[ $2 == *.json ]]; then cp old.json "$2"; else cp -r oldpkg "$2"; fi ;;
  esac
}

report() {  # LABEL PROBLEMS...: one line for the check; false when it failed
  local label=$1
  shift
  if [ $# -eq 0 ]; then
    echo "ok: $label"
  else
    local IFS=';'
    echo "FAIL: $label: $*"
    failures=$((failures + 1))
    return 1
  fi
}

# Removes what a failed check left behind, so that the next check starts clean.
tidy() { find "$1" -maxdepth 1 -name '*.projconv-*' -exec rm -rf {} + 2>/dev/null; }

# check LABEL WANT MESSAGE TARGET COMMAND...: COMMAND must exit with WANT and say MESSAGE (an ERE) on
# stderr; TARGET (unless "") must be as it was before, and no temp may be left beside it.
check() {
  local label=$1 want=$2 msg=$3 target=$4 before code problems=()
  shift 4
  before=$(fingerprint "$target")
  "$@" >/dev/null 2>"$work/err"
  code=$?
  [ "$code" = "$want" ] || problems+=("exit $code, expected $want")
  grep -Eq -- "$msg" "$work/err" || problems+=("no message matching '$msg'")
  if [ -n "$target" ]; then
    [ "$(fingerprint "$target")" = "$before" ] ||
      problems+=("$([ "$before" = absent ] && echo "a target was created" || echo "the old target changed")")
    local left
    left=$(leftovers "$(dirname "$target")")
    [ -z "$left" ] || problems+=("left behind: $left")
  fi
  report "$label (exit $code)" "${problems[@]}" || sed 's/^/    stderr: /' "$work/err" | head -5
  [ -z "$target" ] || tidy "$(dirname "$target")"
}

fsize_limit() {  # KIB COMMAND...: runs COMMAND with files limited to KIB KiB
  local kib=$1
  shift
  (ulimit -f "$kib" && exec "$@")
}

# --- a file-size limit: SIGXFSZ is ignored, so the write fails with EFBIG and projconv says so -----------------
for state in new old; do
  place $state out.json
  check "ulimit -f, file output, $state target" 2 'out\.json: cannot write: File too large' out.json \
    fsize_limit 2048 "$bin" --no-validate big.xml out.json
  place $state pkg
  check "ulimit -f, csv-dir package, $state target" 2 'pkg/[^:]+\.csv: cannot write: File too large' pkg \
    fsize_limit 2048 "$bin" --no-validate big.xml pkg/
done
rm -rf out.json pkg

# --- a full device ------------------------------------------------------------------------------------------
check "/dev/full, small output (fails at commit)" 2 '/dev/full: cannot write: No space left on device' "" \
  "$bin" --no-validate "$seed" /dev/full --to json
check "/dev/full, big output (fails mid-stream)" 2 '/dev/full: cannot write: No space left on device' "" \
  "$bin" --no-validate big.xml /dev/full --to json

# --- an unwritable folder -----------------------------------------------------------------------------------
as_user=()
if [ "$(id -u)" = 0 ]; then
  # Root writes anyway: drop to 'nobody', who needs to read the input and run the binary.
  if id nobody >/dev/null 2>&1 &&
     setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups true 2>/dev/null; then
    as_user=(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups)
  elif id nobody >/dev/null 2>&1 && runuser -u nobody -- true 2>/dev/null; then
    as_user=(runuser -u nobody --)
  fi
fi
if [ "$(id -u)" = 0 ] && [ ${#as_user[@]} = 0 ]; then
  echo "skip: unwritable folder: running as root, which can write anyway, and neither setpriv nor runuser" \
       "can switch to 'nobody'"
else
  ro_bin=$bin
  if [ ${#as_user[@]} -gt 0 ] && ! "${as_user[@]}" test -x "$bin" 2>/dev/null; then
    cp "$bin" "$work/projconv" && chmod 755 "$work/projconv"
    ro_bin=$work/projconv
  fi
  cp "$seed" seed.xml
  mkdir ro
  place old ro/out.json
  place old ro/pkg
  chmod -R a+rX seed.xml ro
  chmod 555 ro
  who=$([ ${#as_user[@]} -gt 0 ] && echo " (as nobody)")
  for t in new.json out.json; do
    check "unwritable folder$who, file output, $([ $t = new.json ] && echo new || echo old) target" 2 \
      "ro/$t: cannot create a file in .*ro: Permission denied" "ro/$t" \
      "${as_user[@]}" "$ro_bin" --no-validate "$work/seed.xml" "$work/ro/$t"
  done
  for t in newpkg pkg; do
    check "unwritable folder$who, csv-dir package, $([ $t = newpkg ] && echo new || echo old) target" 2 \
      "ro/$t: cannot create a folder beside it: Permission denied" "ro/$t" \
      "${as_user[@]}" "$ro_bin" --no-validate "$work/seed.xml" "$work/ro/$t/"
  done
  chmod 755 ro
fi

# --- the output is the input --------------------------------------------------------------------------------
cp "$seed" in.xml
ln -s in.xml link.json
ln in.xml hard.xml
for out in in.xml link.json hard.xml; do
  check "output is the input ($out)" 2 "the output '$out' is the input file" in.xml \
    "$bin" --no-validate in.xml "$out"
done
check "output is the input (read through a symlink)" 2 "the output 'in.xml' is the input file" in.xml \
  "$bin" --no-validate link.json in.xml --from xml

# --- a package replaced: the old one goes, the new one is whole, a folder left by an earlier crash is no bar ---
replace_package() {  # LABEL: converts the seed over an old package in pkg/ and checks the result
  local label=$1 problems=() code
  "$bin" --no-validate "$seed" pkg/ >/dev/null 2>"$work/err"
  code=$?
  [ "$code" = 0 ] || problems+=("exit $code, expected 0")
  [ "$(fingerprint pkg)" = "$(fingerprint fresh)" ] || problems+=("pkg/ is not the new package")
  report "$label (exit $code)" "${problems[@]}" || sed 's/^/    stderr: /' "$work/err" | head -5
}
"$bin" --no-validate "$seed" fresh/ 2>/dev/null
rm -rf pkg && cp -r oldpkg pkg && echo stale >pkg/stale.csv
replace_package "a package over an old package"
left=$(leftovers .)
report "nothing left beside the replaced package" ${left:+"left behind: $left"}
rm -rf pkg && cp -r oldpkg pkg && echo stale >pkg/stale.csv && mkdir -p pkg.projconv-old && echo crash >pkg.projconv-old/_meta.csv
replace_package "a package over an old one, beside a folder a crash left"
[ "$(cat pkg.projconv-old/_meta.csv 2>/dev/null)" = crash ] ||
  report "the folder a crash left is not ours to remove" "it changed"
rm -rf pkg pkg.projconv-old fresh

# --- stdout closed early ------------------------------------------------------------------------------------
# head -c1 quits after a byte; the rest of the output (far over the 64 KiB pipe buffer) has nowhere to go.
to_head() { "$bin" --no-validate big.xml - --to json | head -c1 >/dev/null; return "${PIPESTATUS[0]}"; }
to_head_no_sigpipe() { (trap '' PIPE && to_head); }
to_closed() { "$bin" --no-validate "$seed" - --to json >&-; }
to_head
code=$?
problems=()
[ "$code" != 0 ] || problems+=("exit 0 after a failed write")
report "stdout closed by the reader (exit $code)" "${problems[@]}"
check "stdout closed by the reader, SIGPIPE ignored" 2 '<stdout>: cannot write: Broken pipe' "" to_head_no_sigpipe
check "stdout closed before the start" 2 '<stdout>: cannot write: Bad file descriptor' "" to_closed

# --- an interrupt half way ----------------------------------------------------------------------------------
# interrupt SIGNAL STATE TARGET ARG: converts big.xml to ARG in the background, waits until its temp output
# holds data (so the conversion is under way), sends SIGNAL; the process must die of it, taking its temp
# with it, and leave TARGET (new: absent, old: the old output) as it was.
interrupt() {
  local sig=$1 state=$2 target=$3 arg=$4 before pid code temp="" problems=() i
  place "$state" "$target"
  before=$(fingerprint "$target")
  "$bin" big.xml "$arg" >/dev/null 2>"$work/err" &
  pid=$!
  for ((i = 0; i < 1000; i++)); do
    if [[ $arg == */ ]]; then
      temp=$(find . -maxdepth 1 -type d -name "$target.projconv-*" ! -empty | head -1)
    else
      temp=$(find . -maxdepth 1 -type f -name ".$target.projconv-*" -size +0 | head -1)
    fi
    [ -n "$temp" ] || ! kill -0 "$pid" 2>/dev/null && break
    sleep 0.01
  done
  if [ -z "$temp" ]; then
    kill -KILL "$pid" 2>/dev/null
    wait "$pid"
    report "SIG$sig, $arg" "no temp output with data appeared while it ran; the input is too small to interrupt"
    return
  fi
  kill -"$sig" "$pid"
  wait "$pid"
  code=$?
  [ "$code" = $((128 + $(kill -l "$sig"))) ] || problems+=("exit $code, expected death by SIG$sig")
  [ "$(fingerprint "$target")" = "$before" ] ||
    problems+=("$([ "$before" = absent ] && echo "a target was created" || echo "the old target changed")")
  local left
  left=$(leftovers .)
  [ -z "$left" ] || problems+=("left behind: $left")
  # Its stderr holds only the findings on the big input, so it is not shown.
  report "SIG$sig during a conversion to $arg, $state target, with ${temp#./} under way (exit $code)" \
    "${problems[@]}"
  tidy .
}
for state in new old; do
  interrupt INT $state out.json out.json
  interrupt INT $state pkg pkg/
done
interrupt TERM old out.json out.json
interrupt TERM old pkg pkg/

[ "$failures" = 0 ] || { echo "$failures check(s) failed"; exit 1; }
