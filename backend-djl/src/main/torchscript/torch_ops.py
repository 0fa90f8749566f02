#!/usr/bin/env python3
"""Writes backend-djl's TorchScript helper module, dev/bond4j/djl/torch_ops.pt.

DJL's Java API has no tanh GELU and cannot name the bfloat16 type (its dtype table stops at
float16), but it can run the methods of a TorchScript module with autograd. This module holds the
few operations bond4j needs from PyTorch beyond DJL's API. Regenerate it with
    python3 backend-djl/src/main/torchscript/torch_ops.py backend-djl/src/main/resources/dev/bond4j/djl/torch_ops.pt

The oneDNN operators for pre-packed bfloat16 weights (mkldnn::_reorder_linear_weight,
mkldnn::_linear_pointwise) and the fused AdamW kernel (aten::_fused_adamw_) exist in the PyTorch
that DJL loads (2.7) but not in every PyTorch that can run this script (Debian's 1.13 has no
Python binding for them), so their methods are scripted with placeholder bodies and the saved TorchScript source is then rewritten; TorchScript
compiles that source when the module loads.
"""
import os
import sys
import zipfile
from typing import List

import torch
import torch.nn.functional as F


class TorchOps(torch.nn.Module):
    @torch.jit.export
    def gelu_tanh(self, x: torch.Tensor) -> torch.Tensor:
        """GPT-2's gelu_new, PyTorch's fused kernel (forward and backward)."""
        return F.gelu(x, approximate="tanh")

    @torch.jit.export
    def linear_bf16(self, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        """x @ weight in bfloat16 (weight [in, out]), the result in float32 plus the float32 bias."""
        return torch.matmul(x.to(torch.bfloat16), weight.to(torch.bfloat16)).to(torch.float32) + bias

    @torch.jit.export
    def matmul_bf16(self, x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        """x @ weight in bfloat16, the result in float32."""
        return torch.matmul(x.to(torch.bfloat16), weight.to(torch.bfloat16)).to(torch.float32)

    @torch.jit.export
    def pack_bf16(self, weight: torch.Tensor, rows: int) -> torch.Tensor:
        """weight [in, out] as oneDNN's pre-packed bfloat16 weight for about `rows` input rows."""
        return torch.neg(weight)  # placeholder, rewritten below

    @torch.jit.export
    def packed_linear_bf16(self, x: torch.Tensor, packed: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        """x @ weight in bfloat16 on a packed weight, the result in float32 plus the float32 bias."""
        return torch.sub(x, bias)  # placeholder, rewritten below

    @torch.jit.export
    def packed_matmul_bf16(self, x: torch.Tensor, packed: torch.Tensor) -> torch.Tensor:
        """x @ weight in bfloat16 on a packed weight, the result in float32."""
        return torch.mul(x, packed)  # placeholder, rewritten below

    @torch.jit.export
    def pack_fp32(self, weight: torch.Tensor, rows: int) -> torch.Tensor:
        """weight [in, out] as MKL's pre-packed float32 weight for products of exactly `rows` rows."""
        return torch.abs(weight)  # placeholder, rewritten below

    @torch.jit.export
    def packed_matmul_fp32(self, x: torch.Tensor, packed: torch.Tensor, weight: torch.Tensor,
                           rows: int) -> torch.Tensor:
        """x @ weight in float32 on a packed weight; x with another row count than `rows`, the one
        it was packed for, multiplies by weight itself."""
        return torch.div(x, packed)  # placeholder, rewritten below

    @torch.jit.export
    def decode_step(self, tokens: List[int], positions: List[int], slot: int,
                    key_mask: torch.Tensor, weights: List[torch.Tensor], packed: List[torch.Tensor],
                    adapters: List[torch.Tensor], keys: List[torch.Tensor], values: List[torch.Tensor],
                    shape: List[int], constants: List[float], flags: List[bool]) -> torch.Tensor:
        """One new token per row of a decoder through its KV cache, as sampling probabilities.

        What backend-djl's DecoderStep does with one engine call per operation, in one call, with
        the same operations in the same order (so the same float32 results), for both families:
        GPT-2 (learned positions, LayerNorm, GELU) and the Llama family (rotary positions, RMSNorm,
        grouped-query attention, SwiGLU, optional biases), with or without a LoRA adapter.
        - tokens, positions: one int per row; slot: the cache slot this token's key and value go to;
        - key_mask [rows * kvHeads, 1, slots]: additive, 0 where a key is seen; the slot is unmasked here;
        - weights: embedding, learned positions, final norm weight and bias, the head [d, V] (or
          packed for bfloat16), rotary cosines and sines [positions, headSize / 2], then 12 per
          block in DecoderLayout.Slot order (linear weights [in, out]); an empty tensor where the
          model has none;
        - packed: per block the packed copies of the QKV, O, UP and DOWN weights; empty when
          products run on the float32 weights;
        - adapters: per block and linear layer (QKV, O, UP, DOWN) LoRA's A [in, r] and B * mask
          [r, out], or two empty tensors; empty without an adapter;
        - keys [rows, kvHeads, headSize, slots] and values [rows, kvHeads, slots, headSize] per
          block, written in place;
        - shape: heads, kvHeads, how products run (0 float32, 1 float32 on MKL-packed weights,
          2 bfloat16 on oneDNN-packed weights), the row count the weights were packed for;
        - constants: norm epsilon, query scale, the tanh GELU's cubic and linear factors, temperature;
        - flags: GPT-2 (else the Llama family), whether GPT-2's GELU is the tanh one.
        """
        heads = shape[0]
        kv = shape[1]
        rows = len(tokens)
        position_ids = torch.tensor(positions, dtype=torch.long)
        x = torch.embedding(weights[0], torch.tensor(tokens, dtype=torch.long))
        if flags[0]:
            x = x + torch.embedding(weights[1], position_ids)
        size = keys[0].size(2)
        group = heads // kv
        queries = heads * size
        width = kv * size
        cos = torch.empty(0)
        sin = torch.empty(0)
        if not flags[0]:
            cos = torch.embedding(weights[5], position_ids).reshape(rows, 1, size // 2)
            sin = torch.embedding(weights[6], position_ids).reshape(rows, 1, size // 2)
        key_mask[:, :, slot:slot + 1].mul_(0.0)
        # Attention reads only the slots written so far (the later ones are masked out).
        seen = key_mask[:, :, 0:slot + 1]
        for layer in range(len(keys)):
            w = weights[7 + 12 * layer:19 + 12 * layer]
            p = packed[4 * layer:4 * layer + 4]
            a = adapters[8 * layer:8 * layer + 8]
            qkv = self.block_linear(self.norm(x, w[0], w[1], constants[0]), w[2], w[3], p, a, 0,
                                    shape)
            if flags[0]:
                grouped = (qkv[:, 0:queries] * constants[1]).reshape(rows * kv, group, size)
                key = qkv[:, queries:queries + width].reshape(rows, kv, size, 1)
            else:
                query = self.rotate(qkv[:, 0:queries].reshape(rows, heads, size), cos, sin)
                grouped = (query * constants[1]).reshape(rows * kv, group, size)
                key = self.rotate(qkv[:, queries:queries + width].reshape(rows, kv, size), cos,
                                  sin).reshape(rows, kv, size, 1)
            keys[layer][:, :, :, slot:slot + 1].add_(key)
            values[layer][:, :, slot:slot + 1, :].add_(
                qkv[:, queries + width:queries + 2 * width].reshape(rows, kv, 1, size))
            scores = torch.bmm(grouped, keys[layer].view(rows * kv, size, -1)[:, :, 0:slot + 1])
            attended = torch.bmm(torch.softmax(scores.add_(seen), -1),
                                 values[layer].view(rows * kv, -1, size)[:, 0:slot + 1, :]).reshape(
                rows, queries)
            residual = self.block_linear(attended, w[4], w[5], p, a, 1, shape).add_(x)
            up = self.block_linear(self.norm(residual, w[6], w[7], constants[0]), w[8], w[9], p, a,
                                   2, shape)
            if not flags[0]:
                half = up.size(1) // 2
                gate = up[:, 0:half]
                inner = (gate * torch.sigmoid(gate)) * up[:, half:]
            elif flags[1]:
                inner = (up * up).mul_(constants[2]).add_(constants[3])
                inner = torch.sigmoid(inner.mul_(up)).mul_(up)
            else:
                inner = F.gelu(up)
            x = self.block_linear(inner, w[10], w[11], p, a, 3, shape).add_(residual)
        x = self.norm(x, weights[2], weights[3], constants[0])
        if shape[2] == 2:
            logits = self.packed_matmul_bf16(x, weights[4])
        else:
            logits = torch.matmul(x, weights[4])
        if constants[4] != 1.0:
            logits = logits / constants[4]
        return torch.softmax(logits, -1)

    @torch.jit.export
    def gradient_norm(self, grads: List[torch.Tensor]) -> torch.Tensor:
        """The global L2 norm of a list of gradients: the norm of their per-tensor norms."""
        return torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))

    @torch.jit.export
    def adamw_step(self, params: List[torch.Tensor], grads: List[torch.Tensor],
                   first: List[torch.Tensor], second: List[torch.Tensor],
                   steps: List[torch.Tensor], scale: torch.Tensor, lr: float, beta1: float,
                   beta2: float, weight_decay: float, eps: float) -> torch.Tensor:
        """One AdamW step over lists of tensors in one pass per element (PyTorch's fused kernel).

        params, first and second moments are updated in place; each gradient is divided by scale
        (the inverse of the clipping factor) first; steps holds per parameter a tensor [1] with the
        step number t, whose bias corrections 1 - beta^t the kernel computes:
        theta <- theta (1 - lr wd); m <- lerp(m, g, 1 - beta1); v <- beta2 v + (1 - beta2) g^2;
        theta <- theta - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps).
        Returns scale.
        """
        return torch.div(scale, steps[0])  # placeholder, rewritten below

    def norm(self, x: torch.Tensor, gain: torch.Tensor, bias: torch.Tensor, eps: float) -> torch.Tensor:
        """LayerNorm, or RMSNorm x / sqrt(mean(x^2) + eps) * gain (bias empty), as DecoderForward.norm."""
        if bias.numel() > 0:
            return torch.layer_norm(x, [x.size(1)], gain, bias, eps)
        root = torch.square(x).mean([-1], True).add_(eps).sqrt()
        return torch.div(x, root).mul_(gain)

    def rotate(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
        """x cos + rotate_half(x) sin over the last dimension, as DecoderForward.rotate."""
        half = x.size(-1) // 2
        first = x[:, :, 0:half]
        second = x[:, :, half:]
        return torch.cat([(first * cos).sub_(second * sin), (second * cos).add_(first * sin)], -1)

    def block_linear(self, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor,
                     packed: List[torch.Tensor], adapters: List[torch.Tensor], which: int,
                     shape: List[int]) -> torch.Tensor:
        """A block's x @ weight (+ bias) as DecoderForward.linear, plus LoRA's x A (B * mask)
        when the layer has one."""
        if shape[2] == 2:
            if bias.numel() == 0:
                return self.lora(self.packed_matmul_bf16(x, packed[which]), x, adapters, which)
            return self.lora(self.packed_linear_bf16(x, packed[which], bias), x, adapters, which)
        if shape[2] == 1:
            out = self.packed_matmul_fp32(x, packed[which], weight, shape[3])
        else:
            out = torch.matmul(x, weight)
        if bias.numel() > 0:
            out = out.add_(bias)
        return self.lora(out, x, adapters, which)

    def lora(self, out: torch.Tensor, x: torch.Tensor, adapters: List[torch.Tensor],
             which: int) -> torch.Tensor:
        """out + x A (B * mask), in place, when the layer has an adapter (DjlAdapter.addTo)."""
        if len(adapters) > 0 and adapters[2 * which].numel() > 0:
            out = out.add_(torch.matmul(torch.matmul(x, adapters[2 * which]), adapters[2 * which + 1]))
        return out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x


NO_SCALARS = "annotate(List[Optional[number]], [])"
PACKED = ("ops.mkldnn._linear_pointwise(torch.to(x, 15), packed, None, \"none\", "
          + NO_SCALARS + ", None)")
REWRITES = {
    "return torch.neg(weight)":
        "return ops.mkldnn._reorder_linear_weight(torch.to(torch.contiguous(torch.t(weight)), 15), rows)",
    "return torch.sub(x, bias)": "return torch.add(torch.to(" + PACKED + ", 6), bias)",
    "return torch.mul(x, packed)": "return torch.to(" + PACKED + ", 6)",
    "return torch.div(scale, steps[0])":
        "_0 = ops.aten._fused_adamw_(params, grads, first, second, annotate(List[Tensor], []), steps,"
        " lr=lr, beta1=beta1, beta2=beta2, weight_decay=weight_decay, eps=eps, amsgrad=False,"
        " maximize=False, grad_scale=scale, found_inf=None)\n    return scale",
    "return torch.abs(weight)":
        "return ops.mkl._mkl_reorder_linear_weight(torch.contiguous(torch.t(weight)), rows)",
    "return torch.div(x, packed)": "return ops.mkl._mkl_linear(x, packed, torch.t(weight), None, rows)",
}

if __name__ == "__main__":
    out = sys.argv[1]
    scripted = out + ".scripted"
    torch.jit.script(TorchOps()).save(scripted)
    with zipfile.ZipFile(scripted) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.endswith("code/__torch__.py.debug_pkl"):
                continue  # source ranges of the text before the rewrite
            if item.filename.endswith("code/__torch__.py"):
                text = data.decode()
                for placeholder, code in REWRITES.items():
                    assert text.count(placeholder) == 1, placeholder
                    text = text.replace(placeholder, code)
                data = text.encode()
            zout.writestr(item, data)
    os.remove(scripted)
