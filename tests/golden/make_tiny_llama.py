#!/usr/bin/env python3
"""Builds the tiny Llama-family golden fixtures used by bond4j's cross-backend tests.

Run with Debian's Python and PyTorch (apt-get install python3-torch libopenblas0-pthread; python3-onnx
is optional and only adds a structural check of the exports):
    /usr/bin/python3 tests/golden/make_tiny_llama.py tests/src/test/resources/golden

It is a plain-PyTorch decoder written from the HuggingFace modelling equations of LlamaForCausalLM and
Qwen2ForCausalLM in eval mode (`transformers` is not needed): token embedding, per layer a pre-RMSNorm
self-attention with rotate_half RoPE (cos/sin in float32, default, `linear` or `llama3` inverse
frequencies), grouped-query attention by repeat_kv, scores scaled by 1/sqrt(head_dim), the Qwen2 q/k/v
biases (o_proj has none), then a pre-RMSNorm SwiGLU MLP down(silu(gate(x)) * up(x)); a final RMSNorm and
a tied or untied lm_head. RMSNorm is computed in float32 as weight * x * rsqrt(mean(x^2) + eps).

It writes two fixtures, each in its own folder:
  tiny-qwen2-gqa    qwen2, 6 heads over 2 key-value heads, q/k/v biases, untied head, eos_token_id a list;
                    subfolders bf16/, sharded/ (two F32 shards and model.safetensors.index.json),
                    with-past/ and no-position-ids/ (torch.onnx exports in the HuggingFace-optimum layout);
  tiny-llama-tied   llama, 4 heads (no GQA), explicit head_dim, tied embeddings, llama3 RoPE scaling;
                    subfolders bf16/, f16/ and with-past/.
Every folder holds config.json, the safetensors weights (written by hand: an 8-byte little-endian header
length, a JSON header and raw little-endian data) and reference.json: full-sequence float32 logits of two
sequences and a greedy continuation of 16 tokens that does not stop at EOS. The bf16/ and f16/ references
are computed in float32 from the rounded weights, which is what a backend loading them into float32
compute must reproduce.

The script checks itself and fails on any mismatch: RMSNorm, RoPE and the llama3 frequencies against
independent implementations, the whole model against a float64 per-head loop, decoding with the KV cache
(prefill then single tokens, also left-padded) against full-sequence logits, and each exported graph's
TorchScript trace on shapes other than the ones it was traced with. CI never runs this script; the
generated files are committed.
"""
import json
import math
import os
import shutil
import sys

import torch

import safetensors_file

QWEN2 = {
    "folder": "tiny-qwen2-gqa", "seed": 20241167,
    "architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2",
    "vocab_size": 96, "hidden_size": 48, "num_hidden_layers": 2, "num_attention_heads": 6,
    "num_key_value_heads": 2, "head_dim": 8, "intermediate_size": 80, "qkv_bias": True,
    "tie_word_embeddings": False, "rope_theta": 10000.0, "rope_scaling": None, "rms_norm_eps": 1e-6,
    "max_position_embeddings": 64, "bos_token_id": 1, "eos_token_id": [2, 95],
    "sequences": [[5, 17, 42, 8, 33, 1, 60, 22, 9, 14, 3, 27, 88, 71],
                  [40, 3, 3, 51, 19, 7, 12, 30, 44, 0, 36, 11, 94, 64]],
    "greedy_prompt": [12, 7, 55, 3],
}
LLAMA = {
    "folder": "tiny-llama-tied", "seed": 20241232,
    "architectures": ["LlamaForCausalLM"], "model_type": "llama",
    "vocab_size": 80, "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4,
    "num_key_value_heads": 4, "head_dim": 8, "intermediate_size": 64, "qkv_bias": False,
    "tie_word_embeddings": True, "rope_theta": 500000.0,
    "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                     "original_max_position_embeddings": 16},
    "rms_norm_eps": 1e-5, "max_position_embeddings": 64, "bos_token_id": 1, "eos_token_id": 2,
    "sequences": [[5, 17, 42, 8, 33, 1, 60, 22, 9, 14, 3, 27, 79, 50],
                  [40, 3, 3, 51, 19, 7, 12, 30, 44, 0, 36, 11, 73, 64]],
    "greedy_prompt": [12, 7, 55, 3],
}
GREEDY_TOKENS = 16
CACHE_TOLERANCE = 1e-5


def hf_config(spec, torch_dtype):
    """config.json with the keys HuggingFace writes for the family, sorted and indented as it does."""
    config = {
        "architectures": spec["architectures"], "attention_dropout": 0.0,
        "bos_token_id": spec["bos_token_id"], "eos_token_id": spec["eos_token_id"],
        "head_dim": spec["head_dim"], "hidden_act": "silu", "hidden_size": spec["hidden_size"],
        "initializer_range": 0.02, "intermediate_size": spec["intermediate_size"],
        "max_position_embeddings": spec["max_position_embeddings"], "model_type": spec["model_type"],
        "num_attention_heads": spec["num_attention_heads"], "num_hidden_layers": spec["num_hidden_layers"],
        "num_key_value_heads": spec["num_key_value_heads"], "rms_norm_eps": spec["rms_norm_eps"],
        "rope_scaling": spec["rope_scaling"], "rope_theta": spec["rope_theta"],
        "tie_word_embeddings": spec["tie_word_embeddings"], "torch_dtype": torch_dtype, "use_cache": True,
        "vocab_size": spec["vocab_size"],
    }
    if spec["model_type"] == "qwen2":
        config.update({"max_window_layers": spec["num_hidden_layers"],
                       "sliding_window": spec["max_position_embeddings"], "use_sliding_window": False})
    else:
        config.update({"attention_bias": False, "mlp_bias": False, "pretraining_tp": 1})
    return config


def tensor_names(spec):
    """The HuggingFace tensor names in the order of the model's state_dict."""
    names = ["model.embed_tokens.weight"]
    for i in range(spec["num_hidden_layers"]):
        p = f"model.layers.{i}."
        for proj in "qkv":
            names.append(p + f"self_attn.{proj}_proj.weight")
            if spec["qkv_bias"]:
                names.append(p + f"self_attn.{proj}_proj.bias")
        names.append(p + "self_attn.o_proj.weight")
        names += [p + f"mlp.{proj}_proj.weight" for proj in ("gate", "up", "down")]
        names += [p + "input_layernorm.weight", p + "post_attention_layernorm.weight"]
    names.append("model.norm.weight")
    if not spec["tie_word_embeddings"]:
        names.append("lm_head.weight")
    return names


def make_weights(spec):
    g = torch.Generator().manual_seed(spec["seed"])

    def normal(*shape, std):
        return torch.randn(*shape, generator=g, dtype=torch.float64).mul(std).float()

    d, hd, inner = spec["hidden_size"], spec["head_dim"], spec["intermediate_size"]
    q_out, kv_out = spec["num_attention_heads"] * hd, spec["num_key_value_heads"] * hd
    shapes = {"q_proj": (q_out, d), "k_proj": (kv_out, d), "v_proj": (kv_out, d), "o_proj": (d, q_out),
              "gate_proj": (inner, d), "up_proj": (inner, d), "down_proj": (d, inner)}
    w = {}
    for name in tensor_names(spec):
        leaf = name.split(".")[-2]
        if name == "model.embed_tokens.weight":
            w[name] = normal(spec["vocab_size"], d, std=0.5)
        elif name == "lm_head.weight":
            w[name] = normal(spec["vocab_size"], d, std=0.35)
        elif name.endswith("norm.weight"):
            w[name] = 1 + normal(d, std=0.15)
        elif name.endswith(".bias"):
            w[name] = normal(shapes[leaf][0], std=0.2)
        else:
            w[name] = normal(*shapes[leaf], std=0.25 if leaf != "down_proj" else 0.2)
    return w


def rope_inv_freq(spec):
    """HuggingFace's inverse frequencies (modeling_rope_utils), in float32 as it computes them."""
    theta, dim = spec["rope_theta"], spec["head_dim"]
    inv_freq = 1.0 / (theta ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim))
    scaling = spec["rope_scaling"]
    if scaling is None:
        return inv_freq
    if scaling["rope_type"] == "linear":
        return inv_freq / scaling["factor"]
    assert scaling["rope_type"] == "llama3", scaling
    factor, low, high = scaling["factor"], scaling["low_freq_factor"], scaling["high_freq_factor"]
    old_context = scaling["original_max_position_embeddings"]
    low_freq_wavelen, high_freq_wavelen = old_context / low, old_context / high
    wavelen = 2 * math.pi / inv_freq
    inv_freq_llama = torch.where(wavelen > low_freq_wavelen, inv_freq / factor, inv_freq)
    smooth = (old_context / wavelen - low) / (high - low)
    smoothed = (1 - smooth) * inv_freq_llama / factor + smooth * inv_freq_llama
    is_medium = ~(wavelen < high_freq_wavelen) * ~(wavelen > low_freq_wavelen)
    return torch.where(is_medium, smoothed, inv_freq_llama)


def rope_cos_sin(inv_freq, position_ids):
    """cos and sin [B, 1, T, head_dim] of LlamaRotaryEmbedding, computed in float32."""
    freqs = position_ids.float().unsqueeze(-1) * inv_freq
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos().unsqueeze(1), emb.sin().unsqueeze(1)


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def rms_norm(x, weight, eps):
    x32 = x.float()
    variance = x32.pow(2).mean(-1, keepdim=True)
    return weight * (x32 * torch.rsqrt(variance + eps))


def repeat_kv(x, n_rep):
    if n_rep == 1:
        return x
    b, kv_heads, length, hd = x.shape
    return x[:, :, None, :, :].expand(b, kv_heads, n_rep, length, hd).reshape(b, kv_heads * n_rep, length, hd)


class TinyDecoder(torch.nn.Module):
    """The decoder in the HuggingFace-optimum convention: input_ids, attention_mask [B, past+T],
    position_ids and past_key_values.{i}.key/value [B, kv_heads, past, head_dim] in; logits and
    present.{i}.key/value [B, kv_heads, past+T, head_dim] out. A full-sequence call has empty pasts."""

    def __init__(self, spec, weights):
        super().__init__()
        self.spec = spec
        self.w = {k: v.clone() for k, v in weights.items()}
        self.inv_freq = rope_inv_freq(spec)

    def forward(self, input_ids, attention_mask, position_ids, *past):
        s, w = self.spec, self.w
        heads, kv_heads, hd = s["num_attention_heads"], s["num_key_value_heads"], s["head_dim"]
        eps = s["rms_norm_eps"]
        b, t = input_ids.shape
        p = past[0].shape[2]
        x = w["model.embed_tokens.weight"][input_ids]
        cos, sin = rope_cos_sin(self.inv_freq, position_ids)
        queries = torch.arange(t).unsqueeze(1) + p
        keys = torch.arange(p + t).unsqueeze(0)
        visible = (keys <= queries).unsqueeze(0).unsqueeze(0) & attention_mask.bool()[:, None, None, :]
        presents = []
        for i in range(s["num_hidden_layers"]):
            pre = f"model.layers.{i}."
            h = rms_norm(x, w[pre + "input_layernorm.weight"], eps)
            projected = []
            for proj, n in (("q", heads), ("k", kv_heads), ("v", kv_heads)):
                z = h @ w[pre + f"self_attn.{proj}_proj.weight"].t()
                if s["qkv_bias"]:
                    z = z + w[pre + f"self_attn.{proj}_proj.bias"]
                projected.append(z.reshape(b, t, n, hd).transpose(1, 2))
            q, k, v = projected
            q = q * cos + rotate_half(q) * sin
            k = k * cos + rotate_half(k) * sin
            k = torch.cat([past[2 * i], k], dim=2)
            v = torch.cat([past[2 * i + 1], v], dim=2)
            presents += [k, v]
            k, v = repeat_kv(k, heads // kv_heads), repeat_kv(v, heads // kv_heads)
            scores = (q @ k.transpose(-1, -2)) * hd ** -0.5
            scores = torch.where(visible, scores, torch.tensor(torch.finfo(scores.dtype).min))
            attended = torch.softmax(scores, dim=-1, dtype=torch.float32) @ v
            merged = attended.transpose(1, 2).reshape(b, t, heads * hd)
            x = x + merged @ w[pre + "self_attn.o_proj.weight"].t()
            h = rms_norm(x, w[pre + "post_attention_layernorm.weight"], eps)
            gate = h @ w[pre + "mlp.gate_proj.weight"].t()
            up = h @ w[pre + "mlp.up_proj.weight"].t()
            x = x + (torch.nn.functional.silu(gate) * up) @ w[pre + "mlp.down_proj.weight"].t()
        x = rms_norm(x, w["model.norm.weight"], eps)
        head = w["model.embed_tokens.weight" if s["tie_word_embeddings"] else "lm_head.weight"]
        return (x @ head.t(), *presents)

    def empty_past(self, b):
        s = self.spec
        return [torch.zeros(b, s["num_key_value_heads"], 0, s["head_dim"]) for _ in range(2 * s["num_hidden_layers"])]

    def logits(self, input_ids):
        """LlamaForCausalLM(input_ids).logits: no padding, positions 0..T-1, no cache."""
        b, t = input_ids.shape
        return self(input_ids, torch.ones(b, t, dtype=torch.long),
                    torch.arange(t).unsqueeze(0).expand(b, t), *self.empty_past(b))[0]


class WithoutPositionIds(torch.nn.Module):
    """The decoder without a position_ids input: positions are cumsum(attention_mask) - 1 (1 where
    masked), the last T of them, as HuggingFace's generate and optimum derive them."""

    def __init__(self, decoder):
        super().__init__()
        self.decoder = decoder

    def forward(self, input_ids, attention_mask, *past):
        return self.decoder(input_ids, attention_mask, derived_positions(attention_mask, input_ids.shape[1]), *past)


def derived_positions(attention_mask, t):
    positions = (attention_mask.cumsum(-1) - 1).masked_fill(attention_mask == 0, 1)
    return positions[:, -t:]


# ---------------------------------------------------------------- independent references for the checks

def naive_inv_freq(spec):
    """The inverse frequencies in float64, one frequency at a time, as Meta's llama3 apply_scaling."""
    dim, theta = spec["head_dim"], spec["rope_theta"]
    freqs = [1.0 / theta ** (j / dim) for j in range(0, dim, 2)]
    scaling = spec["rope_scaling"]
    if scaling is None:
        return freqs
    if scaling["rope_type"] == "linear":
        return [f / scaling["factor"] for f in freqs]
    factor, low, high = scaling["factor"], scaling["low_freq_factor"], scaling["high_freq_factor"]
    old = scaling["original_max_position_embeddings"]
    out = []
    for f in freqs:
        wavelen = 2 * math.pi / f
        if wavelen < old / high:
            out.append(f)
        elif wavelen > old / low:
            out.append(f / factor)
        else:
            smooth = (old / wavelen - low) / (high - low)
            out.append((1 - smooth) * f / factor + smooth * f)
    return out


def naive_rope(x, positions, freqs):
    """Rotates each pair (x[j], x[j + hd/2]) by position * freq[j] as a complex number, in float64."""
    half = x.shape[-1] // 2
    z = torch.complex(x[..., :half].double(), x[..., half:].double())
    angle = positions.double().unsqueeze(-1) * torch.tensor(freqs, dtype=torch.float64)
    rotated = z * torch.polar(torch.ones_like(angle), angle)
    return torch.cat((rotated.real, rotated.imag), dim=-1)


def naive_rms_norm(x, weight, eps):
    out = torch.empty(x.shape, dtype=torch.float64)
    flat, rows = x.double().reshape(-1, x.shape[-1]), out.view(-1, x.shape[-1])
    for r in range(flat.shape[0]):
        ms = sum(float(v) ** 2 for v in flat[r]) / flat.shape[1]
        rows[r] = flat[r] / math.sqrt(ms + eps) * weight.double()
    return out


def naive_logits(spec, weights, ids):
    """The whole model in float64 for one sequence, head by head, with the key-value head of query head
    h taken as h // (heads / kv_heads) instead of repeat_kv."""
    w = {k: v.double() for k, v in weights.items()}
    heads, kv_heads, hd = spec["num_attention_heads"], spec["num_key_value_heads"], spec["head_dim"]
    eps, freqs, t = spec["rms_norm_eps"], naive_inv_freq(spec), len(ids)
    positions = torch.arange(t)
    x = w["model.embed_tokens.weight"][torch.tensor(ids)]
    for i in range(spec["num_hidden_layers"]):
        pre = f"model.layers.{i}."
        h = naive_rms_norm(x, w[pre + "input_layernorm.weight"], eps)

        def proj(name):
            z = h @ w[pre + f"self_attn.{name}_proj.weight"].t()
            return z + w[pre + f"self_attn.{name}_proj.bias"] if spec["qkv_bias"] else z

        q, k, v = proj("q"), proj("k"), proj("v")
        merged = torch.zeros(t, heads * hd, dtype=torch.float64)
        for head in range(heads):
            g = head // (heads // kv_heads)
            qh = naive_rope(q[:, head * hd:(head + 1) * hd], positions, freqs)
            kh = naive_rope(k[:, g * hd:(g + 1) * hd], positions, freqs)
            vh = v[:, g * hd:(g + 1) * hd]
            for r in range(t):
                scores = (kh[:r + 1] @ qh[r]) / math.sqrt(hd)
                merged[r, head * hd:(head + 1) * hd] = torch.softmax(scores, dim=0) @ vh[:r + 1]
        x = x + merged @ w[pre + "self_attn.o_proj.weight"].t()
        h = naive_rms_norm(x, w[pre + "post_attention_layernorm.weight"], eps)
        gate, up = h @ w[pre + "mlp.gate_proj.weight"].t(), h @ w[pre + "mlp.up_proj.weight"].t()
        x = x + (gate / (1 + torch.exp(-gate)) * up) @ w[pre + "mlp.down_proj.weight"].t()
    x = naive_rms_norm(x, w["model.norm.weight"], eps)
    return x @ w["model.embed_tokens.weight" if spec["tie_word_embeddings"] else "lm_head.weight"].t()


def check(label, diff, tolerance):
    print(f"  {label}: max |diff| = {diff:.3g} (tolerance {tolerance:g})")
    assert diff <= tolerance, f"{label}: {diff} > {tolerance}"


def check_components(spec, weights):
    g = torch.Generator().manual_seed(7)
    x = torch.randn(3, 5, spec["hidden_size"], generator=g) * 2
    weight = weights["model.norm.weight"]
    check("RMSNorm vs float64 loop", float((rms_norm(x, weight, spec["rms_norm_eps"]).double()
                                            - naive_rms_norm(x, weight, spec["rms_norm_eps"])).abs().max()), 1e-5)
    inv_freq = rope_inv_freq(spec)
    check("RoPE inverse frequencies vs float64 (relative)",
          float(((inv_freq.double() - torch.tensor(naive_inv_freq(spec), dtype=torch.float64))
                 / torch.tensor(naive_inv_freq(spec), dtype=torch.float64)).abs().max()), 1e-6)
    positions = torch.tensor([[0, 1, 5, 17, 40, 63]])
    q = torch.randn(1, 1, 6, spec["head_dim"], generator=g)
    cos, sin = rope_cos_sin(inv_freq, positions)
    rotated = q * cos + rotate_half(q) * sin
    check("RoPE rotate_half vs complex rotation", float((rotated.double()[0, 0] - naive_rope(
        q[0, 0], positions[0], naive_inv_freq(spec))).abs().max()), 2e-5)
    # RoPE makes q.k depend on the distance of the positions only
    k = torch.randn(1, 1, 1, spec["head_dim"], generator=g)
    qq = q[:, :, :1]

    def score(m, n):
        cm, sm = rope_cos_sin(inv_freq, torch.tensor([[m]]))
        cn, sn = rope_cos_sin(inv_freq, torch.tensor([[n]]))
        return float(((qq * cm + rotate_half(qq) * sm) * (k * cn + rotate_half(k) * sn)).sum())

    check("RoPE relative-position invariance", abs(score(9, 4) - score(30, 25)), 1e-5)


def check_cached_decoding(model, sequences, full):
    """Prefill then single tokens through the cache must reproduce the full-sequence logits, also for a
    left-padded batch (positions from the mask), with position_ids given or derived from the mask."""
    ids = torch.tensor(sequences)
    b, t = ids.shape
    for label, decoder in (("with position_ids", model), ("positions from the mask", WithoutPositionIds(model))):
        prefill = 5
        past = model.empty_past(b)
        steps = []
        for start, end in [(0, prefill)] + [(j, j + 1) for j in range(prefill, t)]:
            mask = torch.ones(b, end, dtype=torch.long)
            args = (ids[:, start:end], mask) + (() if decoder is not model else
                                                (torch.arange(start, end).unsqueeze(0).expand(b, end - start),))
            out = decoder(*args, *past)
            steps.append(out[0])
            past = list(out[1:])
        check(f"cached decoding ({label}) vs full sequence", float((torch.cat(steps, 1) - full).abs().max()),
              CACHE_TOLERANCE)
    pad = 3
    padded = torch.cat([torch.full((b, pad), 0, dtype=torch.long), ids], dim=1)
    mask = torch.cat([torch.zeros(b, pad, dtype=torch.long), torch.ones(b, t, dtype=torch.long)], dim=1)
    prefill = pad + 5
    past, steps = model.empty_past(b), []
    for start, end in [(0, prefill)] + [(j, j + 1) for j in range(prefill, pad + t)]:
        out = WithoutPositionIds(model)(padded[:, start:end], mask[:, :end], *past)
        steps.append(out[0])
        past = list(out[1:])
    check("left-padded cached decoding vs full sequence", float((torch.cat(steps, 1)[:, pad:] - full).abs().max()),
          CACHE_TOLERANCE)


def greedy(model, prompt):
    """Greedy continuation by argmax over full-sequence logits, not stopping at EOS; also returns the
    smallest gap between the best and second-best logit along the way."""
    ids, continuation, margin = list(prompt), [], float("inf")
    for _ in range(GREEDY_TOKENS):
        last = model.logits(torch.tensor([ids]))[0, -1]
        top = torch.topk(last, 2).values
        margin = min(margin, float(top[0] - top[1]))
        next_id = int(last.argmax())
        continuation.append(next_id)
        ids.append(next_id)
    return continuation, margin


def check_greedy_with_cache(model, prompt, continuation):
    past = model.empty_past(1)
    ids, produced = torch.tensor([prompt]), []
    position = 0
    for _ in range(GREEDY_TOKENS):
        t = ids.shape[1]
        out = model(ids, torch.ones(1, position + t, dtype=torch.long), torch.arange(position, position + t)[None], *past)
        past, position = list(out[1:]), position + t
        ids = out[0][:, -1].argmax(-1, keepdim=True)
        produced.append(int(ids))
    assert produced == continuation, (produced, continuation)
    print("  greedy continuation with the KV cache: identical")


# ---------------------------------------------------------------- files

def write_json(path, value, sort_keys=False, indent=None):
    with open(path, "w") as f:
        json.dump(value, f, indent=indent, sort_keys=sort_keys)
        f.write("\n")


def write_sharded(folder, spec, weights):
    """Two F32 shards and model.safetensors.index.json. Like save_pretrained, the split follows the
    state_dict order and may cut a layer: the second shard starts once the first holds half the bytes,
    which leaves part of layer 1 (q_proj.weight among it, but not its bias) in the first."""
    names = tensor_names(spec)
    total = sum(weights[n].numel() * 4 for n in names)
    shards, size = [[]], 0
    for name in names:
        if size >= total // 2 and len(shards) == 1:
            shards.append([])
        shards[-1].append(name)
        size += weights[name].numel() * 4
    weight_map = {}
    for j, shard in enumerate(shards):
        file = f"model-{j + 1:05d}-of-{len(shards):05d}.safetensors"
        safetensors_file.write(os.path.join(folder, file), {n: weights[n] for n in sorted(shard)})
        weight_map.update({n: file for n in shard})
    write_json(os.path.join(folder, "model.safetensors.index.json"),
               {"metadata": {"total_size": total}, "weight_map": weight_map}, sort_keys=True, indent=2)
    loaded = {}
    for file in sorted(set(weight_map.values())):
        loaded.update(safetensors_file.read(os.path.join(folder, file)))
    assert loaded.keys() == weights.keys() and all(torch.equal(loaded[n], weights[n]) for n in names)


def reference(spec, weights, reference_from):
    model = TinyDecoder(spec, weights)
    with torch.no_grad():
        logits = model.logits(torch.tensor(spec["sequences"]))
        continuation, margin = greedy(model, spec["greedy_prompt"])
    return {
        "torch_version": torch.__version__,
        "reference_from": reference_from,
        "sequences": spec["sequences"],
        "logits_shape": list(logits.shape),
        "logits": [round(float(v), 7) for v in logits.flatten()],
        "greedy_prompt": spec["greedy_prompt"],
        "greedy_continuation": continuation,
        "greedy_stops_at_eos": False,
    }, logits, margin


def export_onnx(model, folder, config, with_position_ids):
    """torch.onnx export (opset 14) in the optimum layout, beside a copy of config.json. The TorchScript
    trace it is made from is run on other batch, past and sequence sizes than the traced ones, with
    left padding, against the eager model."""
    os.makedirs(folder, exist_ok=True)
    s = model.spec
    layers, kv_heads, hd = s["num_hidden_layers"], s["num_key_value_heads"], s["head_dim"]
    b, t, p = 2, 3, 2
    g = torch.Generator().manual_seed(5)
    past = [torch.randn(b, kv_heads, p, hd, generator=g) for _ in range(2 * layers)]
    module = model if with_position_ids else WithoutPositionIds(model)
    ids = torch.tensor([[4, 5, 6], [7, 8, 9]])
    mask = torch.tensor([[0, 1, 1, 1, 1], [1, 1, 1, 1, 1]])
    inputs = (ids, mask) + ((derived_positions(mask, t),) if with_position_ids else ()) + tuple(past)
    past_names = [f"past_key_values.{i}.{kind}" for i in range(layers) for kind in ("key", "value")]
    present_names = [f"present.{i}.{kind}" for i in range(layers) for kind in ("key", "value")]
    input_names = ["input_ids", "attention_mask"] + (["position_ids"] if with_position_ids else []) + past_names
    axes = {"input_ids": {0: "batch_size", 1: "sequence_length"},
            "attention_mask": {0: "batch_size", 1: "past_sequence_length + sequence_length"},
            "logits": {0: "batch_size", 1: "sequence_length"}}
    if with_position_ids:
        axes["position_ids"] = {0: "batch_size", 1: "sequence_length"}
    axes.update({n: {0: "batch_size", 2: "past_sequence_length"} for n in past_names})
    axes.update({n: {0: "batch_size", 2: "past_sequence_length + sequence_length"} for n in present_names})
    path = os.path.join(folder, "model.onnx")
    torch.onnx.export(module, inputs, path, input_names=input_names, output_names=["logits", *present_names],
                      dynamic_axes=axes, opset_version=14)
    write_json(os.path.join(folder, "config.json"), config, sort_keys=True, indent=2)

    traced = torch.jit.trace(module, inputs)
    worst = 0.0
    for b2, t2, p2, pad in ((1, 1, 0, 0), (3, 5, 0, 2), (3, 1, 4, 1), (1, 6, 7, 3)):
        g2 = torch.Generator().manual_seed(100 + b2 + t2 + p2)
        ids2 = torch.randint(3, s["vocab_size"] - 1, (b2, t2), generator=g2)
        mask2 = torch.ones(b2, p2 + t2, dtype=torch.long)
        mask2[0, :pad] = 0
        past2 = [torch.randn(b2, kv_heads, p2, hd, generator=g2) for _ in range(2 * layers)]
        args = (ids2, mask2) + ((derived_positions(mask2, t2),) if with_position_ids else ()) + tuple(past2)
        eager, graph = module(*args), traced(*args)
        for e, o in zip(eager, graph):
            assert e.shape == o.shape, (e.shape, o.shape)
            worst = max(worst, float((e - o).abs().max()))
    check(f"{os.path.basename(folder)}: traced graph vs eager on other shapes", worst, 1e-6)
    try:
        import onnx
    except ImportError:
        print("  (python3-onnx absent: structural check of the export skipped)")
        return
    proto = onnx.load(path)
    onnx.checker.check_model(proto, full_check=True)

    def dims(value):
        return [d.dim_param or d.dim_value for d in value.type.tensor_type.shape.dim]

    print("  onnx.checker passed; inputs", [(v.name, dims(v)) for v in proto.graph.input][:4],
          "...; outputs", [(v.name, dims(v)) for v in proto.graph.output][:2], "...")


def build(spec, root):
    out = os.path.join(root, spec["folder"])
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(out)
    print(f"{spec['folder']}:")
    weights = make_weights(spec)
    model = TinyDecoder(spec, weights)
    check_components(spec, weights)
    for sequence in spec["sequences"]:
        eos = spec["eos_token_id"] if isinstance(spec["eos_token_id"], list) else [spec["eos_token_id"]]
        assert len(sequence) >= 12 and all(0 <= i < spec["vocab_size"] and i not in eos for i in sequence)

    config = hf_config(spec, "float32")
    write_json(os.path.join(out, "config.json"), config, sort_keys=True, indent=2)
    total = safetensors_file.write(os.path.join(out, "model.safetensors"), dict(sorted(weights.items())))
    assert safetensors_file.read(os.path.join(out, "model.safetensors")).keys() == weights.keys()
    ref, full, margin = reference(spec, weights, "float32 weights")
    write_json(os.path.join(out, "reference.json"), ref)
    spread = full.std(dim=-1)
    print(f"  {total} bytes of F32 weights; logits std per position {float(spread.min()):.2f}..{float(spread.max()):.2f},"
          f" range {float(full.min()):.2f}..{float(full.max()):.2f}")
    print(f"  greedy {spec['greedy_prompt']} -> {ref['greedy_continuation']} (smallest top-2 gap {margin:.4f})")
    assert margin > 1e-3, "greedy continuation too close to a tie"
    check("float32 model vs float64 per-head loop", max(
        float((full[r].double() - naive_logits(spec, weights, seq)).abs().max())
        for r, seq in enumerate(spec["sequences"])), 1e-4)
    with torch.no_grad():
        check_cached_decoding(model, spec["sequences"], full)
        check_greedy_with_cache(model, spec["greedy_prompt"], ref["greedy_continuation"])

    variants = [("bf16", "BF16", "bfloat16", torch.bfloat16)]
    if spec["model_type"] == "llama":
        variants.append(("f16", "F16", "float16", torch.float16))
    for sub, dtype, torch_dtype, rounding in variants:
        folder = os.path.join(out, sub)
        os.makedirs(folder)
        write_json(os.path.join(folder, "config.json"), hf_config(spec, torch_dtype), sort_keys=True, indent=2)
        safetensors_file.write(os.path.join(folder, "model.safetensors"), dict(sorted(weights.items())), dtype)
        rounded = {k: v.to(rounding).float() for k, v in weights.items()}
        loaded = safetensors_file.read(os.path.join(folder, "model.safetensors"))
        assert all(torch.equal(loaded[k], rounded[k]) for k in weights), f"{dtype} round trip"
        sub_ref, sub_logits, sub_margin = reference(spec, rounded, f"{torch_dtype} weights, float32 compute")
        write_json(os.path.join(folder, "reference.json"), sub_ref)
        print(f"  {sub}: max |logits - f32 logits| = {float((sub_logits - full).abs().max()):.4f};"
              f" greedy -> {sub_ref['greedy_continuation']} (smallest top-2 gap {sub_margin:.4f})")
        assert sub_margin > 1e-3, "greedy continuation too close to a tie"

    if spec["model_type"] == "qwen2":
        folder = os.path.join(out, "sharded")
        os.makedirs(folder)
        write_json(os.path.join(folder, "config.json"), config, sort_keys=True, indent=2)
        write_sharded(folder, spec, weights)
        shutil.copy(os.path.join(out, "reference.json"), os.path.join(folder, "reference.json"))
        print("  sharded: two shards read back equal to the weights")

    try:
        export_onnx(model, os.path.join(out, "with-past"), config, with_position_ids=True)
        if spec["model_type"] == "qwen2":
            export_onnx(model, os.path.join(out, "no-position-ids"), config, with_position_ids=False)
    except Exception as e:  # the ONNX exports are optional
        print("ONNX export skipped:", e)


def main(root):
    torch.set_num_threads(1)
    for spec in (QWEN2, LLAMA):
        build(spec, root)
    for dirpath, _, files in os.walk(root):
        for file in files:
            assert os.path.getsize(os.path.join(dirpath, file)) < 1_000_000, file


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/src/test/resources/golden")
