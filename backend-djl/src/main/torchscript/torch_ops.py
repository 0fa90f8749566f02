#!/usr/bin/env python3
"""Writes backend-djl's TorchScript helper module, dev/bond4j/djl/torch_ops.pt.

DJL's Java API has no tanh GELU and cannot name the bfloat16 type (its dtype table stops at
float16), but it can run the methods of a TorchScript module with autograd. This module holds the
few operations bond4j needs from PyTorch beyond DJL's API. Regenerate it with
    python3 backend-djl/src/main/torchscript/torch_ops.py backend-djl/src/main/resources/dev/bond4j/djl/torch_ops.pt

The oneDNN operators for pre-packed bfloat16 weights (mkldnn::_reorder_linear_weight,
mkldnn::_linear_pointwise) exist in the PyTorch that DJL loads (2.7) but not in every PyTorch that
can run this script (Debian's 1.13 has no Python binding for them), so their two methods are
scripted with placeholder bodies and the saved TorchScript source is then rewritten; TorchScript
compiles that source when the module loads.
"""
import os
import sys
import zipfile

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
