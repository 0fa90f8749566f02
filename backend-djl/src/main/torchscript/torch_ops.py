#!/usr/bin/env python3
"""Writes backend-djl's TorchScript helper module, dev/bond4j/djl/torch_ops.pt.

DJL's Java API has no tanh GELU and cannot name the bfloat16 type (its dtype table stops at
float16), but it can run the methods of a TorchScript module with autograd. This module holds the
few operations bond4j needs from PyTorch beyond DJL's API. Regenerate it (any PyTorch >= 1.12) with
    python3 backend-djl/src/main/torchscript/torch_ops.py backend-djl/src/main/resources/dev/bond4j/djl/torch_ops.pt
"""
import sys

import torch
import torch.nn.functional as F


class TorchOps(torch.nn.Module):
    @torch.jit.export
    def gelu_tanh(self, x: torch.Tensor) -> torch.Tensor:
        """GPT-2's gelu_new, PyTorch's fused kernel (forward and backward)."""
        return F.gelu(x, approximate="tanh")

    @torch.jit.export
    def to_bf16(self, x: torch.Tensor) -> torch.Tensor:
        return x.to(torch.bfloat16)

    @torch.jit.export
    def matmul_bf16(self, x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        """x @ weight in bfloat16 (either may already be bfloat16), the result in float32."""
        return torch.matmul(x.to(torch.bfloat16), weight.to(torch.bfloat16)).to(torch.float32)

    @torch.jit.export
    def linear_bf16(self, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        """x @ weight in bfloat16, the result in float32 plus the float32 bias."""
        return torch.matmul(x.to(torch.bfloat16), weight.to(torch.bfloat16)).to(torch.float32) + bias

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x


if __name__ == "__main__":
    torch.jit.script(TorchOps()).save(sys.argv[1])
