"""Prints sidebyside.sh's runs as BENCHMARKS.md's table (ranges over runs) and the ratios to the peer."""
import json, sys, collections
rows = collections.OrderedDict()
for line in open(sys.argv[1]):
    r = json.loads(line); j = r["json"]
    key = (r["shape"], r["threads"], r["label"])
    rows.setdefault(key, []).append((r["load"], j))
def rng(vals, fmt="{:.2f}"):
    vals = [v for v in vals if v is not None]
    if not vals: return "–"
    lo, hi = min(vals), max(vals)
    return fmt.format(lo) if lo == hi else fmt.format(lo) + "–" + fmt.format(hi)
def g(j, *ks):
    for k in ks:
        if k in j: return j[k]
    return None
print("| shape | threads | run | n | load avg | prompts/s | sampled tok/s | sample s | update s (peer: incl. log-probs, EMA) | estimate s | GEMM GF/s | update GF/s | update MFU | peak RSS GB | analytic min GB |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for (shape, t, label), lst in sorted(rows.items()):
    js = [j for _, j in lst]
    print(f"| {shape} | {t} | {label} | {len(lst)} | {rng([l for l,_ in lst],'{:.1f}')} | "
          f"{rng([g(j,'prompts_per_s') for j in js])} | {rng([g(j,'sample_tokens_per_s','sample_tok_per_s') for j in js],'{:.0f}')} | "
          f"{rng([g(j,'time_sample_s','sample_s') for j in js],'{:.3f}')} | {rng([g(j,'time_update_s','update_s') for j in js],'{:.3f}')} | "
          f"{rng([g(j,'time_estimate_s') for j in js],'{:.3f}')} | {rng([g(j,'gemm_gflops') for j in js],'{:.0f}')} | "
          f"{rng([g(j,'update_gflops') for j in js],'{:.0f}')} | {rng([g(j,'update_mfu') for j in js])} | "
          f"{rng([g(j,'peak_rss_bytes') and g(j,'peak_rss_bytes')/1e9 for j in js])} | {rng([g(j,'analytic_min_bytes') and g(j,'analytic_min_bytes')/1e9 for j in js])} |")
# ratios vs peer, same shape/threads
print()
for (shape, t, label), lst in sorted(rows.items()):
    if label.startswith("peer"): continue
    peer = rows.get((shape, t, "peer-cooperlake"))
    if not peer: continue
    pp = [j.get("prompts_per_s") for _, j in peer if j.get("prompts_per_s")]
    pt = [j.get("sample_tok_per_s") for _, j in peer if j.get("sample_tok_per_s")]
    bp = [j.get("prompts_per_s") for _, j in lst if j.get("prompts_per_s")]
    bt = [j.get("sample_tokens_per_s") for _, j in lst if j.get("sample_tokens_per_s")]
    if pp and bp:
        print(f"{shape} t{t} {label}: prompts/s ratio {min(bp)/max(pp):.2f}-{max(bp)/min(pp):.2f} (medians {sorted(bp)[len(bp)//2]/sorted(pp)[len(pp)//2]:.2f}); tok/s ratio {min(bt)/max(pt):.2f}-{max(bt)/min(pt):.2f}")
