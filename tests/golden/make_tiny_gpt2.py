#!/usr/bin/env python3
"""Builds the tiny GPT-2 golden fixture used by bond4j's cross-backend tests.

Run with Debian's Python and PyTorch (apt-get install python3-torch libopenblas0-pthread):
    /usr/bin/python3 tests/golden/make_tiny_gpt2.py tests/src/test/resources/golden/tiny-gpt2

It is a plain-PyTorch GPT-2 (HuggingFace GPT2LMHeadModel semantics in eval mode: learned
positions, pre-LayerNorm blocks, Conv1D weights laid out [in, out], gelu_new, tied head) with
HuggingFace tensor names. It writes config.json, model.safetensors (by hand: the format is an
8-byte little-endian header length, a JSON header and raw little-endian data), reference.json
(full-sequence logits and a greedy continuation) and, when torch.onnx works, model.onnx
(input_ids -> logits, no cache) and with-past/model.onnx (the HuggingFace-optimum decoder
convention with a KV cache, beside a copy of config.json). CI never runs this script; the generated files are committed.
"""
import json
import math
import os
import sys

import torch

import safetensors_file

VOCAB, POSITIONS, EMBD, LAYERS, HEADS, EOS = 64, 32, 32, 2, 4, 63
EPS = 1e-5


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def make_weights(seed):
    g = torch.Generator().manual_seed(seed)

    def normal(*shape, std=0.2):
        return torch.randn(*shape, generator=g, dtype=torch.float64).mul(std).float()

    w = {"wte.weight": normal(VOCAB, EMBD, std=0.5), "wpe.weight": normal(POSITIONS, EMBD, std=0.3)}
    for i in range(LAYERS):
        p = f"h.{i}."
        w[p + "ln_1.weight"] = 1 + normal(EMBD, std=0.1)
        w[p + "ln_1.bias"] = normal(EMBD, std=0.1)
        w[p + "attn.c_attn.weight"] = normal(EMBD, 3 * EMBD)
        w[p + "attn.c_attn.bias"] = normal(3 * EMBD, std=0.1)
        w[p + "attn.c_proj.weight"] = normal(EMBD, EMBD)
        w[p + "attn.c_proj.bias"] = normal(EMBD, std=0.1)
        w[p + "ln_2.weight"] = 1 + normal(EMBD, std=0.1)
        w[p + "ln_2.bias"] = normal(EMBD, std=0.1)
        w[p + "mlp.c_fc.weight"] = normal(EMBD, 4 * EMBD)
        w[p + "mlp.c_fc.bias"] = normal(4 * EMBD, std=0.1)
        w[p + "mlp.c_proj.weight"] = normal(4 * EMBD, EMBD)
        w[p + "mlp.c_proj.bias"] = normal(EMBD, std=0.1)
    w["ln_f.weight"] = 1 + normal(EMBD, std=0.1)
    w["ln_f.bias"] = normal(EMBD, std=0.1)
    return w


class TinyGpt2(torch.nn.Module):
    def __init__(self, weights):
        super().__init__()
        self.w = {k: v.clone() for k, v in weights.items()}

    def forward(self, input_ids):
        w = self.w
        b, t = input_ids.shape
        positions = torch.arange(t).unsqueeze(0)
        x = w["wte.weight"][input_ids] + w["wpe.weight"][positions]
        causal = torch.tril(torch.ones(t, t, dtype=torch.bool))
        d = EMBD // HEADS
        for i in range(LAYERS):
            p = f"h.{i}."
            h = torch.nn.functional.layer_norm(x, (EMBD,), w[p + "ln_1.weight"], w[p + "ln_1.bias"], EPS)
            qkv = h @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]
            q, k, v = qkv.split(EMBD, dim=2)
            q, k, v = (z.view(b, t, HEADS, d).transpose(1, 2) for z in (q, k, v))
            scores = (q @ k.transpose(-1, -2)) / math.sqrt(d)
            scores = torch.where(causal, scores, torch.tensor(torch.finfo(scores.dtype).min))
            attended = torch.softmax(scores, dim=-1) @ v
            merged = attended.transpose(1, 2).reshape(b, t, EMBD)
            x = x + merged @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"]
            h = torch.nn.functional.layer_norm(x, (EMBD,), w[p + "ln_2.weight"], w[p + "ln_2.bias"], EPS)
            inner = gelu_new(h @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"])
            x = x + inner @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"]
        x = torch.nn.functional.layer_norm(x, (EMBD,), w["ln_f.weight"], w["ln_f.bias"], EPS)
        return x @ w["wte.weight"].t()


class TinyGpt2WithPast(torch.nn.Module):
    """The same model in the HuggingFace-optimum decoder convention: input_ids, attention_mask,
    position_ids and past_key_values.{i}.key/value in; logits and present.{i}.key/value out."""

    def __init__(self, weights):
        super().__init__()
        self.w = {k: v.clone() for k, v in weights.items()}

    def forward(self, input_ids, attention_mask, position_ids, *past):
        w = self.w
        b, t = input_ids.shape
        p = past[0].shape[2]
        x = w["wte.weight"][input_ids] + w["wpe.weight"][position_ids]
        queries = torch.arange(t).unsqueeze(1) + p
        keys = torch.arange(p + t).unsqueeze(0)
        visible = (keys <= queries).unsqueeze(0).unsqueeze(0) & attention_mask.bool()[:, None, None, :]
        d = EMBD // HEADS
        presents = []
        for i in range(LAYERS):
            pre = f"h.{i}."
            h = torch.nn.functional.layer_norm(x, (EMBD,), w[pre + "ln_1.weight"], w[pre + "ln_1.bias"], EPS)
            qkv = h @ w[pre + "attn.c_attn.weight"] + w[pre + "attn.c_attn.bias"]
            q, k, v = qkv.split(EMBD, dim=2)
            q, k, v = (z.reshape(b, t, HEADS, d).transpose(1, 2) for z in (q, k, v))
            k = torch.cat([past[2 * i], k], dim=2)
            v = torch.cat([past[2 * i + 1], v], dim=2)
            presents += [k, v]
            scores = (q @ k.transpose(-1, -2)) / math.sqrt(d)
            scores = torch.where(visible, scores, torch.tensor(torch.finfo(scores.dtype).min))
            attended = torch.softmax(scores, dim=-1) @ v
            merged = attended.transpose(1, 2).reshape(b, t, EMBD)
            x = x + merged @ w[pre + "attn.c_proj.weight"] + w[pre + "attn.c_proj.bias"]
            h = torch.nn.functional.layer_norm(x, (EMBD,), w[pre + "ln_2.weight"], w[pre + "ln_2.bias"], EPS)
            inner = gelu_new(h @ w[pre + "mlp.c_fc.weight"] + w[pre + "mlp.c_fc.bias"])
            x = x + inner @ w[pre + "mlp.c_proj.weight"] + w[pre + "mlp.c_proj.bias"]
        x = torch.nn.functional.layer_norm(x, (EMBD,), w["ln_f.weight"], w["ln_f.bias"], EPS)
        return (x @ w["wte.weight"].t(), *presents)


def export_with_past(weights, out):
    """Writes out/with-past/model.onnx (and a copy of config.json) in the optimum convention."""
    folder = os.path.join(out, "with-past")
    os.makedirs(folder, exist_ok=True)
    model = TinyGpt2WithPast(weights)
    b, t, p, d = 2, 3, 2, EMBD // HEADS
    g = torch.Generator().manual_seed(5)
    past = [torch.randn(b, HEADS, p, d, generator=g) for _ in range(2 * LAYERS)]
    inputs = (torch.tensor([[1, 2, 3], [4, 5, 6]]), torch.ones(b, p + t, dtype=torch.long),
              torch.tensor([[2, 3, 4], [2, 3, 4]]), *past)
    past_names = [f"past_key_values.{i}.{kind}" for i in range(LAYERS) for kind in ("key", "value")]
    present_names = [f"present.{i}.{kind}" for i in range(LAYERS) for kind in ("key", "value")]
    axes = {"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "total_sequence"},
            "position_ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch", 1: "sequence"}}
    axes.update({name: {0: "batch", 2: "past_sequence"} for name in past_names})
    axes.update({name: {0: "batch", 2: "total_sequence"} for name in present_names})
    torch.onnx.export(model, inputs, os.path.join(folder, "model.onnx"),
                      input_names=["input_ids", "attention_mask", "position_ids", *past_names],
                      output_names=["logits", *present_names], dynamic_axes=axes, opset_version=14)
    with open(os.path.join(out, "config.json")) as f, open(os.path.join(folder, "config.json"), "w") as g2:
        g2.write(f.read())


def main(out):
    os.makedirs(out, exist_ok=True)
    weights = make_weights(20240601)
    model = TinyGpt2(weights)
    config = {
        "architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "vocab_size": VOCAB,
        "n_positions": POSITIONS, "n_ctx": POSITIONS, "n_embd": EMBD, "n_layer": LAYERS,
        "n_head": HEADS, "n_inner": None, "layer_norm_epsilon": EPS,
        "activation_function": "gelu_new", "bos_token_id": EOS, "eos_token_id": EOS,
        "tie_word_embeddings": True,
    }
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    safetensors_file.write(os.path.join(out, "model.safetensors"), weights)

    sequences = [[5, 17, 42, 8, 33, 1, 60, 22, 9, 14, 3, 27], [40, 2, 2, 51, 19, 7, 12, 30, 44, 0, 36, 11]]
    with torch.no_grad():
        logits = model(torch.tensor(sequences))
        prompt = [12, 7, 55, 3]
        ids = list(prompt)
        continuation = []
        for _ in range(16):
            next_id = int(model(torch.tensor([ids]))[0, -1].argmax())
            continuation.append(next_id)
            ids.append(next_id)
            if next_id == EOS:
                break
    reference = {
        "torch_version": torch.__version__,
        "sequences": sequences,
        "logits_shape": list(logits.shape),
        "logits": [round(float(v), 7) for v in logits.flatten()],
        "greedy_prompt": prompt,
        "greedy_continuation": continuation,
    }
    with open(os.path.join(out, "reference.json"), "w") as f:
        json.dump(reference, f)
        f.write("\n")
    try:
        torch.onnx.export(model, (torch.tensor(sequences),), os.path.join(out, "model.onnx"),
                          input_names=["input_ids"], output_names=["logits"],
                          dynamic_axes={"input_ids": {0: "batch", 1: "sequence"},
                                        "logits": {0: "batch", 1: "sequence"}},
                          opset_version=14)
        export_with_past(weights, out)
    except Exception as e:  # the ONNX exports are optional
        print("ONNX export skipped:", e)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/src/test/resources/golden/tiny-gpt2")
