#!/usr/bin/env bash
# Issue 11's side-by-side benchmark: the PyTorch peer script and `bond bench`, alternating, at
# d 128 and d 512, one thread (ROUNDS rounds) then two threads (one round). Appends one JSON line
# per run to OUT.jsonl: {"label", "shape", "threads", "load", "json": the program's own line}.
# Usage: docs/bench/sidebyside.sh OUT.jsonl [ROUNDS] ; then docs/bench/table.py OUT.jsonl
# PEER (default ../shared/bench/peer_jbond.py) and PYTHON (default /usr/bin/python3) override the
# peer; LOCK (default /tmp/bond4j-build.lock) is held for the whole run, so no build runs beside it.
set -uo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
out=$1; rounds=${2:-2}
cp="$repo/bond-cli/target/bond.jar:$repo/bond-cli/target/lib/*"
peer=${PEER:-$repo/../shared/bench/peer_jbond.py}
python=${PYTHON:-/usr/bin/python3}
emit() { # label shape threads command...
  local label=$1 shape=$2 threads=$3; shift 3
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  local line; line=$("$@" 2>/dev/null | grep '^{' | tail -1)
  [ -z "$line" ] && line='{}'
  printf '{"label":"%s","shape":"%s","threads":%s,"load":%s,"json":%s}\n' "$label" "$shape" "$threads" "$load" "$line" >> "$out"
}
run_shape() { # shape threads
  local shape=$1 t=$2 d l h s w
  if [ "$shape" = d128 ]; then d=128; l=2; h=4; s=10; w=2; else d=512; l=6; h=8; s=3; w=1; fi
  emit peer-cooperlake $shape $t env OPENBLAS_CORETYPE=Cooperlake OPENBLAS_NUM_THREADS=$t OMP_NUM_THREADS=$t "$python" "$peer" --d $d --layers $l --heads $h --vocab 256 --batch 16 --prompt 16 --new 48 --threads $t --steps $s
  if [ "$t" = 1 ]; then
    emit peer-cooperlake-blas-default $shape $t env OPENBLAS_CORETYPE=Cooperlake "$python" "$peer" --d $d --layers $l --heads $h --vocab 256 --batch 16 --prompt 16 --new 48 --threads $t --steps $s
  fi
  for p in fp32 bf16; do
    emit bond-$p $shape $t java -cp "$cp" dev.bond4j.cli.BondCommand bench --d-model $d --layers $l --heads $h --vocab 256 --batch 16 --prompt-length 16 --new-tokens 48 --threads $t --steps $s --warmup $w --precision $p
  done
  emit bond-fp32-ref0 $shape $t java -cp "$cp" dev.bond4j.cli.BondCommand bench --d-model $d --layers $l --heads $h --vocab 256 --batch 16 --prompt-length 16 --new-tokens 48 --threads $t --steps $s --warmup $w --precision fp32 --reference-every 1000
}
exec 9>"${LOCK:-/tmp/bond4j-build.lock}"; flock 9
for r in $(seq 1 "$rounds"); do
  for shape in d128 d512; do run_shape $shape 1; done
done
for shape in d128 d512; do run_shape $shape 2; done
