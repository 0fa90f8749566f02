#!/usr/bin/env python3
"""Plots PrecisionStudy's CSV (precision, seed, step, reward_mean, kl_ref) as an SVG, standard
library only: reward and KL(pi || pi_ref) per step, one thin line per seed and precision, and the
mean over seeds of each precision as a thick line.

    python3 docs/precision_plot.py study.csv docs/precision-study.svg
"""
import csv
import sys
from collections import defaultdict

rows = list(csv.DictReader(open(sys.argv[1])))
series = defaultdict(lambda: defaultdict(dict))  # metric -> (precision, seed) -> step -> value
for r in rows:
    for metric in ("reward_mean", "kl_ref"):
        series[metric][(r["precision"], int(r["seed"]))][int(r["step"])] = float(r[metric])

COLOURS = {"fp32": "#1f77b4", "bf16": "#d62728"}
W, H, PAD = 460, 300, 48
TITLES = {"reward_mean": "reward/mean (count of token 0)", "kl_ref": "kl/ref (nats)"}


def panel(metric, x0):
    runs = series[metric]
    steps = max(max(s) for s in runs.values())
    values = [v for s in runs.values() for v in s.values()]
    lo, hi = min(values), max(values)
    hi = hi if hi > lo else lo + 1

    def px(step):
        return x0 + PAD + (step - 1) / max(steps - 1, 1) * (W - 2 * PAD)

    def py(value):
        return PAD + (hi - value) / (hi - lo) * (H - 2 * PAD)

    out = [f'<text x="{x0 + W / 2}" y="20" text-anchor="middle" font-size="14">{TITLES[metric]}</text>',
           f'<rect x="{x0 + PAD}" y="{PAD}" width="{W - 2 * PAD}" height="{H - 2 * PAD}" fill="none" stroke="#888"/>']
    for i in range(5):
        v = lo + (hi - lo) * i / 4
        out.append(f'<text x="{x0 + PAD - 4}" y="{py(v) + 4:.1f}" text-anchor="end" font-size="10">{v:.3g}</text>')
    for s in (1, steps // 2, steps):
        out.append(f'<text x="{px(s):.1f}" y="{H - PAD + 14}" text-anchor="middle" font-size="10">{s}</text>')
    out.append(f'<text x="{x0 + W / 2}" y="{H - 10}" text-anchor="middle" font-size="11">J-BOND step</text>')
    for (precision, seed), s in sorted(runs.items()):
        pts = " ".join(f"{px(k):.1f},{py(v):.1f}" for k, v in sorted(s.items()))
        out.append(f'<polyline points="{pts}" fill="none" stroke="{COLOURS[precision]}" stroke-opacity="0.35" stroke-width="1"/>')
    for precision in COLOURS:
        seeds = [s for (p, _), s in runs.items() if p == precision]
        if not seeds:
            continue
        mean = {k: sum(s[k] for s in seeds) / len(seeds) for k in seeds[0]}
        pts = " ".join(f"{px(k):.1f},{py(v):.1f}" for k, v in sorted(mean.items()))
        out.append(f'<polyline points="{pts}" fill="none" stroke="{COLOURS[precision]}" stroke-width="2.5"/>')
    return out


body = panel("reward_mean", 0) + panel("kl_ref", W)
seeds = len({k[1] for k in series["reward_mean"]})
legend = [f'<text x="{W - 60}" y="{H + 18}" font-size="12" fill="{COLOURS["fp32"]}">fp32</text>',
          f'<text x="{W}" y="{H + 18}" font-size="12" fill="{COLOURS["bf16"]}">bf16</text>',
          f'<text x="{W + 50}" y="{H + 18}" font-size="11">thin: each of {seeds} seeds; thick: mean</text>']
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * W}" height="{H + 30}" font-family="sans-serif">',
       '<rect width="100%" height="100%" fill="white"/>'] + body + legend + ["</svg>"]
open(sys.argv[2], "w").write("\n".join(svg) + "\n")
