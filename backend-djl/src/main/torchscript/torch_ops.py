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
    def gpt2_decode_step(self, tokens: List[int], positions: List[int], slot: int,
                         key_mask: torch.Tensor, weights: List[torch.Tensor],
                         keys: List[torch.Tensor], values: List[torch.Tensor], heads: int,
                         constants: List[float], tanh_gelu: bool, bf16: bool) -> torch.Tensor:
        """One new token per row of a GPT-2 through its KV cache, as sampling probabilities.

        What backend-djl's DecoderStep does with one engine call per operation, in one call, with
        the same operations in the same order (so the same float32 results):
        - tokens, positions: one int per row; slot: the cache slot this token's key and value go to;
        - key_mask [rows * heads, 1, slots]: additive, 0 where a key is seen; the slot is unmasked here;
        - weights: embedding, positions, final norm weight and bias, the head [d, V] (or packed
          for bfloat16), then 12 per block in DecoderLayout.Slot order (linear weights [in, out],
          or packed for bfloat16);
        - keys [rows, heads, headSize, slots] and values [rows, heads, slots, headSize] per block,
          written in place;
        - constants: norm epsilon, query scale, the tanh GELU's cubic and linear factors, temperature.
        """
        eps = constants[0]
        scale = constants[1]
        rows = len(tokens)
        x = torch.embedding(weights[0], torch.tensor(tokens, dtype=torch.long)) + torch.embedding(
            weights[1], torch.tensor(positions, dtype=torch.long))
        d = x.size(1)
        size = d // heads
        key_mask[:, :, slot:slot + 1].mul_(0.0)
        for layer in range(len(keys)):
            w = weights[5 + 12 * layer:17 + 12 * layer]
            h = torch.layer_norm(x, [d], w[0], w[1], eps)
            qkv = self.linear(h, w[2], w[3], bf16)
            query = (qkv[:, 0:d] * scale).reshape(rows * heads, 1, size)
            keys[layer][:, :, :, slot:slot + 1].add_(qkv[:, d:2 * d].reshape(rows, heads, size, 1))
            values[layer][:, :, slot:slot + 1, :].add_(qkv[:, 2 * d:3 * d].reshape(rows, heads, 1, size))
            scores = torch.bmm(query, keys[layer].view(rows * heads, size, -1)).add_(key_mask)
            attended = torch.bmm(torch.softmax(scores, -1),
                                 values[layer].view(rows * heads, -1, size)).reshape(rows, d)
            residual = self.linear(attended, w[4], w[5], bf16).add_(x)
            up = self.linear(torch.layer_norm(residual, [d], w[6], w[7], eps), w[8], w[9], bf16)
            if tanh_gelu:
                inner = (up * up).mul_(constants[2]).add_(constants[3])
                inner = torch.sigmoid(inner.mul_(up)).mul_(up)
            else:
                inner = F.gelu(up)
            x = self.linear(inner, w[10], w[11], bf16).add_(residual)
        x = torch.layer_norm(x, [d], weights[2], weights[3], eps)
        logits = self.packed_matmul_bf16(x, weights[4]) if bf16 else torch.matmul(x, weights[4])
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

    def linear(self, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, bf16: bool) -> torch.Tensor:
        """x @ weight + bias: on a packed bfloat16 weight, or in float32 as DecoderForward.linear."""
        if bf16:
            return self.packed_linear_bf16(x, weight, bias)
        return torch.matmul(x, weight).add_(bias)

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
