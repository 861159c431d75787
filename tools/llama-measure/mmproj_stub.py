#!/usr/bin/env python3
"""Writes a shape-exact, all-zero (sparse) mmproj GGUF of a catalog model's vision tower, for measuring what
llama.cpp's clip/mtmd allocates (mmprobe.cpp). Only the header is written; the tensor data is a hole.

Towers (hparams from public llama-server logs of the real files, see results/mmproj-cpu.jsonl):
  qwen3vl_merger  Qwen3.5: patch 16, image 768, merge 2, 2304 learned positions, GELU MLP, LayerNorm
  gemma3          Gemma 3: SigLIP, patch 14, image 896, 4096 positions, soft-emb norm + input projection

usage: mmproj_stub.py OUT.gguf TOWER N_EMBD N_FF N_LAYER N_HEAD PROJECTION_DIM
Needs gguf-py (the llama.cpp source's gguf-py folder on PYTHONPATH) and numpy.
"""
import sys
import numpy as np
import gguf

out, tower = sys.argv[1], sys.argv[2]
n_embd, n_ff, n_layer, n_head, proj = (int(x) for x in sys.argv[3:8])
F16, F32 = gguf.GGMLQuantizationType.F16, gguf.GGMLQuantizationType.F32

w = gguf.GGUFWriter(out, "clip")
w.add_string("general.name", f"synthetic {tower} {n_embd}x{n_layer}")
w.add_uint32("general.file_type", 1)
w.add_string("clip.projector_type", tower)
w.add_bool("clip.has_vision_encoder", True)
w.add_bool("clip.use_gelu", True)
w.add_uint32("clip.vision.embedding_length", n_embd)
w.add_uint32("clip.vision.feed_forward_length", n_ff)
w.add_uint32("clip.vision.block_count", n_layer)
w.add_uint32("clip.vision.attention.head_count", n_head)
w.add_uint32("clip.vision.projection_dim", proj)
w.add_float32("clip.vision.attention.layer_norm_epsilon", 1e-6)
w.add_array("clip.vision.image_mean", [0.5, 0.5, 0.5])
w.add_array("clip.vision.image_std", [0.5, 0.5, 0.5])

tensors = []  # (name, ggml shape ne0..., type)


def t(name, shape, typ=F16):
    tensors.append((name, shape, typ))


if tower == "qwen3vl_merger":
    patch, image, merge, n_pos = 16, 768, 2, 2304
    w.add_uint32("clip.vision.image_size", image)
    w.add_uint32("clip.vision.patch_size", patch)
    w.add_uint32("clip.vision.spatial_merge_size", merge)
    t("v.patch_embd.weight", [patch, patch, 3, n_embd])
    t("v.patch_embd.weight.1", [patch, patch, 3, n_embd])
    t("v.patch_embd.bias", [n_embd], F32)
    t("v.position_embd.weight", [n_embd, n_pos], F32)  # F32: ggml_interpolate asserts it (resize_position_embeddings)
    for i in range(n_layer):
        p = f"v.blk.{i}."
        t(p + "ln1.weight", [n_embd], F32); t(p + "ln1.bias", [n_embd], F32)
        t(p + "attn_qkv.weight", [n_embd, 3 * n_embd]); t(p + "attn_qkv.bias", [3 * n_embd], F32)
        t(p + "attn_out.weight", [n_embd, n_embd]); t(p + "attn_out.bias", [n_embd], F32)
        t(p + "ln2.weight", [n_embd], F32); t(p + "ln2.bias", [n_embd], F32)
        t(p + "ffn_up.weight", [n_embd, n_ff]); t(p + "ffn_up.bias", [n_ff], F32)
        t(p + "ffn_down.weight", [n_ff, n_embd]); t(p + "ffn_down.bias", [n_embd], F32)
    t("v.post_ln.weight", [n_embd], F32); t("v.post_ln.bias", [n_embd], F32)
    m = n_embd * merge * merge
    t("mm.0.weight", [m, m]); t("mm.0.bias", [m], F32)
    t("mm.2.weight", [m, proj]); t("mm.2.bias", [proj], F32)
elif tower == "gemma3":
    patch, image = 14, 896
    n_pos = (image // patch) ** 2
    w.add_uint32("clip.vision.image_size", image)
    w.add_uint32("clip.vision.patch_size", patch)
    t("v.patch_embd.weight", [patch, patch, 3, n_embd]); t("v.patch_embd.bias", [n_embd], F32)
    t("v.position_embd.weight", [n_embd, n_pos])
    for i in range(n_layer):
        p = f"v.blk.{i}."
        t(p + "ln1.weight", [n_embd], F32); t(p + "ln1.bias", [n_embd], F32)
        for q in ("attn_q", "attn_k", "attn_v", "attn_out"):
            t(p + q + ".weight", [n_embd, n_embd]); t(p + q + ".bias", [n_embd], F32)
        t(p + "ln2.weight", [n_embd], F32); t(p + "ln2.bias", [n_embd], F32)
        t(p + "ffn_up.weight", [n_embd, n_ff]); t(p + "ffn_up.bias", [n_ff], F32)
        t(p + "ffn_down.weight", [n_ff, n_embd]); t(p + "ffn_down.bias", [n_embd], F32)
    t("v.post_ln.weight", [n_embd], F32); t("v.post_ln.bias", [n_embd], F32)
    t("mm.soft_emb_norm.weight", [n_embd], F32)
    t("mm.input_projection.weight", [proj, n_embd])
else:
    sys.exit("unknown tower " + tower)

total = 0
for name, shape, typ in tensors:
    n = int(np.prod(shape))
    nbytes = n * (2 if typ == F16 else 4)
    # gguf-py takes numpy order (reversed ggml ne)
    w.add_tensor_info(name, list(reversed(shape)), np.float16 if typ == F16 else np.float32, nbytes, raw_dtype=typ)
    total += nbytes
w.write_header_to_file()
w.write_kv_data_to_file()
w.write_ti_data_to_file()
f = w.fout[0] if isinstance(w.fout, list) else w.fout
f.flush()
pos = f.tell()
align = 32
data_start = (pos + align - 1) // align * align
end = data_start
for name, shape, typ in tensors:
    n = int(np.prod(shape)) * (2 if typ == F16 else 4)
    end += (n + align - 1) // align * align
f.truncate(end)
f.close()
print(f"{out}: {len(tensors)} tensors, {total} tensor bytes, file {end} B")
