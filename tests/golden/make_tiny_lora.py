#!/usr/bin/env python3
"""Builds the LoRA golden fixtures: PEFT-layout adapters over the tiny GPT-2 and Qwen2 fixtures.

Run with Debian's Python and PyTorch after the base fixtures exist (peft and transformers are not
needed):
    /usr/bin/python3 tests/golden/make_tiny_lora.py tests/src/test/resources/golden

Each fixture folder is what PeftModel.save_pretrained writes for a causal language model:
adapter_config.json (peft_type LORA, r, lora_alpha, lora_dropout 0, target_modules, bias none,
task_type CAUSAL_LM, fan_in_fan_out true for GPT-2's Conv1D, base_model_name_or_path the base fixture
folder relative to the adapter) and adapter_model.safetensors with PEFT's names
base_model.model.<module path>.lora_A.weight [r, in] and .lora_B.weight [out, r] (for GPT-2's Conv1D,
whose weight is [in, out], PEFT takes in_features, out_features = weight.shape and still makes lora_A
an nn.Linear(in, r) and lora_B an nn.Linear(r, out)). B is random, not PEFT's zeros, so the adapted
model differs from its base.

The LoRA math is PEFT's, written by hand: a targeted layer computes base(x) + scale * (x @ A.T) @ B.T
with scale = lora_alpha / r, which equals the base layer with merged weights W + scale * B @ A
(nn.Linear, [out, in]) or W + scale * (B @ A).T (Conv1D, [in, out]). The script checks that identity on
every targeted module, then computes reference.json from the merged weights with the base fixture's
own model: full-sequence logits of the base fixture's two sequences and each sequence's log-probability
of its tokens after the first prompt_length, plus the largest logit change the adapter makes.
"""
import json
import os
import sys

import torch

import make_tiny_gpt2
import make_tiny_llama
import safetensors_file

PROMPT_LENGTH = 4
GPT2 = {"folder": "tiny-gpt2-lora", "base": "tiny-gpt2", "seed": 20251129, "r": 4, "alpha": 8.0,
        "targets": ["c_attn", "c_proj", "c_fc"]}
# q_proj, v_proj and up_proj without k_proj and gate_proj: fused tensors that are partly adapted.
QWEN2 = {"folder": "tiny-qwen2-gqa-lora", "base": "tiny-qwen2-gqa", "seed": 20251130, "r": 4,
         "alpha": 8.0, "targets": ["q_proj", "v_proj", "o_proj", "up_proj", "down_proj"]}


def gpt2_modules(layers):
    """(PEFT module path, internal weight name, conv1d) of each GPT-2 module and layer."""
    out = []
    for i in range(layers):
        for name, path in (("c_attn", "attn.c_attn"), ("c_proj", "attn.c_proj"), ("c_fc", "mlp.c_fc"),
                           ("c_proj", "mlp.c_proj")):
            out.append((name, f"transformer.h.{i}.{path}", f"h.{i}.{path}.weight", True))
    return out


def llama_modules(layers):
    out = []
    for i in range(layers):
        for name in ("q_proj", "k_proj", "v_proj", "o_proj"):
            out.append((name, f"model.layers.{i}.self_attn.{name}", f"model.layers.{i}.self_attn.{name}.weight", False))
        for name in ("gate_proj", "up_proj", "down_proj"):
            out.append((name, f"model.layers.{i}.mlp.{name}", f"model.layers.{i}.mlp.{name}.weight", False))
    return out


def make_adapter(spec, weights, modules):
    """PEFT tensors, and the base weights with the adapter merged in (checked against PEFT's forward)."""
    g = torch.Generator().manual_seed(spec["seed"])
    r, scale = spec["r"], spec["alpha"] / spec["r"]
    tensors, merged = {}, dict(weights)
    for name, path, weight_name, conv1d in modules:
        if name not in spec["targets"]:
            continue
        w = weights[weight_name]
        fan_in, fan_out = (w.shape[0], w.shape[1]) if conv1d else (w.shape[1], w.shape[0])
        bound = 1 / fan_in ** 0.5
        a = ((torch.rand(r, fan_in, generator=g, dtype=torch.float64) * 2 - 1) * bound).float()
        b = (torch.randn(fan_out, r, generator=g, dtype=torch.float64) * 0.4).float()
        tensors[f"base_model.model.{path}.lora_A.weight"] = a
        tensors[f"base_model.model.{path}.lora_B.weight"] = b
        delta = (b.double() @ a.double()) * scale
        merged[weight_name] = (w.double() + (delta.t() if conv1d else delta)).float()
        x = torch.randn(3, fan_in, generator=g, dtype=torch.float64)
        peft = (x @ w.double() if conv1d else x @ w.double().t()) + scale * (x @ a.double().t()) @ b.double().t()
        via_merge = x @ merged[weight_name].double() if conv1d else x @ merged[weight_name].double().t()
        assert (peft - via_merge).abs().max() < 1e-5, (path, float((peft - via_merge).abs().max()))
    return tensors, merged


def adapter_config(spec, fan_in_fan_out):
    return {"base_model_name_or_path": "../" + spec["base"], "bias": "none",
            "fan_in_fan_out": fan_in_fan_out, "inference_mode": True, "init_lora_weights": True,
            "lora_alpha": spec["alpha"], "lora_dropout": 0.0, "peft_type": "LORA", "r": spec["r"],
            "target_modules": spec["targets"], "task_type": "CAUSAL_LM", "use_dora": False,
            "use_rslora": False}


def reference(logits_fn, base_logits_fn, sequences):
    with torch.no_grad():
        ids = torch.tensor(sequences)
        logits = logits_fn(ids)
        base = base_logits_fn(ids)
        log_probs = torch.log_softmax(logits.double(), dim=-1)
        completion = []
        for row, seq in enumerate(sequences):
            completion.append(round(float(sum(log_probs[row, t - 1, seq[t]] for t in range(PROMPT_LENGTH, len(seq)))), 6))
    return {"torch_version": torch.__version__, "sequences": sequences, "logits_shape": list(logits.shape),
            "logits": [round(float(v), 7) for v in logits.flatten()], "prompt_length": PROMPT_LENGTH,
            "completion_log_probs": completion,
            "max_logit_change_from_base": round(float((logits - base).abs().max()), 4)}


def write(root, spec, tensors, config, ref):
    folder = os.path.join(root, spec["folder"])
    os.makedirs(folder, exist_ok=True)
    make_tiny_llama.write_json(os.path.join(folder, "adapter_config.json"), config, sort_keys=True, indent=2)
    safetensors_file.write(os.path.join(folder, "adapter_model.safetensors"), tensors)
    make_tiny_llama.write_json(os.path.join(folder, "reference.json"), ref)
    print(spec["folder"], "max logit change from base", ref["max_logit_change_from_base"])


def main(root):
    weights = safetensors_file.read(os.path.join(root, GPT2["base"], "model.safetensors"))
    tensors, merged = make_adapter(GPT2, weights, gpt2_modules(make_tiny_gpt2.LAYERS))
    sequences = json.load(open(os.path.join(root, GPT2["base"], "reference.json")))["sequences"]
    ref = reference(make_tiny_gpt2.TinyGpt2(merged), make_tiny_gpt2.TinyGpt2(weights), sequences)
    write(root, GPT2, tensors, adapter_config(GPT2, True), ref)

    spec = make_tiny_llama.QWEN2
    weights = safetensors_file.read(os.path.join(root, QWEN2["base"], "model.safetensors"))
    tensors, merged = make_adapter(QWEN2, weights, llama_modules(spec["num_hidden_layers"]))
    sequences = json.load(open(os.path.join(root, QWEN2["base"], "reference.json")))["sequences"]
    ref = reference(make_tiny_llama.TinyDecoder(spec, merged).logits,
                    make_tiny_llama.TinyDecoder(spec, weights).logits, sequences)
    write(root, QWEN2, tensors, adapter_config(QWEN2, False), ref)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/src/test/resources/golden")
