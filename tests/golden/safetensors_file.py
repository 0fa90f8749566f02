"""Reads and writes safetensors files by hand for the golden-fixture scripts: an 8-byte little-endian
header length, a JSON header (padded with spaces to a multiple of 8) and the raw little-endian data of
each tensor, in the order given. Tensors are float32 in memory and stored as F32, F16 or BF16 (rounded to
nearest even, as torch's .to(dtype))."""
import json
import struct

import torch


def bf16_round_to_nearest_even(tensor):
    """The upper 16 bits of each float32 after rounding the lower 16 to nearest, ties to even."""
    bits = tensor.contiguous().view(torch.int32).long() & 0xFFFFFFFF
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    return (rounded - ((rounded & 0x8000) << 1)).to(torch.int16)


def encode(tensor, dtype):
    if dtype == "F32":
        return tensor.contiguous().numpy().astype("<f4").tobytes()
    if dtype == "F16":
        return tensor.to(torch.float16).contiguous().numpy().astype("<f2").tobytes()
    assert dtype == "BF16", dtype
    bits = tensor.to(torch.bfloat16).contiguous().view(torch.int16)
    assert torch.equal(bits, bf16_round_to_nearest_even(tensor)), "torch's bfloat16 rounding"
    return bits.numpy().astype("<i2").tobytes()


def write(path, tensors, dtype="F32"):
    """Writes the tensors in the dict's order; returns the number of data bytes."""
    header, offset, blobs = {"__metadata__": {"format": "pt"}}, 0, []
    for name, tensor in tensors.items():
        data = encode(tensor, dtype)
        header[name] = {"dtype": dtype, "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    return offset


def read(path):
    """Reads F32, F16 and BF16 tensors back into float32."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        start, end = entry["data_offsets"]
        raw = bytearray(data[start:end])
        if entry["dtype"] == "F32":
            t = torch.frombuffer(raw, dtype=torch.float32)
        elif entry["dtype"] == "F16":
            t = torch.frombuffer(raw, dtype=torch.float16).float()
        else:
            t = torch.frombuffer(raw, dtype=torch.int16).view(torch.bfloat16).float()
        out[name] = t.reshape(entry["shape"]).clone()
    return out
