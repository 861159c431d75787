#!/usr/bin/env python3
"""Compute the size of a llama.cpp GGUF file from a model's tensor shapes and
llama.cpp's per-tensor quantization mix.

This is a documentation tool for the catalog (see ../README.md, "Computed file
sizes"); it is not part of the Maven build. It reproduces, for the ftypes the
catalog lists, the type choice of `llama_tensor_get_type_impl` in
llama.cpp `src/llama-quant.cpp` (upstream ggml-org/llama.cpp, read from the
unslothai/llama.cpp mirror, sync of Aug 2026). The block sizes and file types
come from ggml_tables.json, generated from the Java GgmlType/LlamaFileType.

Usage:  python3 quant_size.py            # prints a table for every model below
        python3 quant_size.py qwen3-5-4b # one model
"""
import json
import sys
from pathlib import Path

# The ggml block sizes (ggml-common.h) and the llama_ftype default types (llama_ftype_get_default_type) are
# generated from the Java enums GgmlType and LlamaFileType into ggml_tables.json (GgmlTablesTest keeps it current).
_TABLES = json.loads((Path(__file__).resolve().parent / "ggml_tables.json").read_text())
# type -> (block elements, block bytes)
TYPES = {name: (t["blockSize"], t["typeSize"]) for name, t in _TABLES["types"].items()}
# ftype -> default tensor type
FTYPE_DEFAULT = {name: f["defaultType"] for name, f in _TABLES["fileTypes"].items() if f["defaultType"]}
# tensor_type_fallback() when ne[0] is not a multiple of the block size
FALLBACK = {"Q2_K": "Q4_0", "Q3_K": "Q4_0", "Q4_K": "Q5_0", "Q5_K": "Q5_1", "Q6_K": "Q8_0"}


def nbytes(t, n_elems, ne0):
    blk, size = TYPES[t]
    assert ne0 % blk == 0, (t, ne0)
    return n_elems // blk * size


def use_more_bits(i, n):
    return i < n // 8 or i >= 7 * n // 8 or (i - n // 8) % 3 == 2


def category(name):
    # tensor_get_category()
    if name == "output.weight":
        return "OUTPUT"
    if name == "token_embd.weight":
        return "TOKEN_EMBD"
    for key, cat in (("attn_qkv.weight", "ATTENTION_QKV"), ("attn_v.weight", "ATTENTION_V"),
                     ("attn_k.weight", "ATTENTION_K"), ("attn_q.weight", "ATTENTION_Q"),
                     ("attn_output.weight", "ATTENTION_OUTPUT"), ("ffn_up", "FFN_UP"),
                     ("ffn_gate", "FFN_GATE"), ("ffn_down", "FFN_DOWN")):
        if key in name:
            return cat
    return "OTHER"


def quantizable(name, shape):
    # tensor_allows_quantization(): 2D/3D tensors whose name ends in "weight",
    # except norms, router (ffn_gate_inp), conv1d, ...
    if len(shape) < 2 or not name.endswith("weight"):
        return False
    for bad in ("_norm.weight", "ffn_gate_inp.weight", "ssm_conv1d", "ffn_gate_inp_shexp"):
        if bad in name:
            return False
    return True


def layer_of(name):
    return int(name.split(".")[1]) if name.startswith("blk.") else -1


def choose(ftype, name, shape, st, model):
    """llama_tensor_get_type() for the non-IQ ftypes the catalog uses."""
    default = FTYPE_DEFAULT[ftype]
    if not quantizable(name, shape) or default in ("F16", "BF16"):
        return None  # keeps its source type
    if ftype == "MXFP4":  # LLAMA_FTYPE_MOSTLY_MXFP4_MOE: 3D expert tensors MXFP4, the rest (and output) Q8_0
        return "MXFP4" if len(shape) == 3 else "Q8_0"
    cat = category(name)
    t = default
    n_expert = model.get("expertCount", 0)
    if cat == "OUTPUT" or (st["tied"] and cat == "TOKEN_EMBD"):
        if shape[0] % TYPES[t][0] != 0:
            t = "Q8_0"
        elif t != "Q8_0":
            t = "Q6_K"
    elif cat == "TOKEN_EMBD":
        pass
    elif cat in ("ATTENTION_V", "ATTENTION_QKV"):  # category_is_attn_v()
        i, n = st["i_wv"], st["n_wv"]
        if ftype == "Q3_K_M":
            t = "Q5_K" if i < 2 else "Q4_K"
        elif ftype in ("Q4_K_M", "Q5_K_M") and use_more_bits(i, n):
            t = "Q6_K"
        elif ftype == "Q4_K_S" and i < 4:
            t = "Q5_K"
        if model.get("llmType70B") and t in ("Q3_K", "Q4_K"):
            t = "Q5_K"
        if n_expert == 8:
            t = "Q8_0"
        st["i_wv"] += 1
        # the ATTENTION_QKV branch further down is never reached for attn_qkv
        # because category_is_attn_v() catches it first
    elif cat == "ATTENTION_K":
        if n_expert == 8:
            t = "Q8_0"
    elif cat == "FFN_DOWN":
        if n_expert > 1:
            i = layer_of(name)
        else:
            i = st["i_down"]
        n = st["n_layer_all"]
        if ftype == "Q3_K_M":
            t = "Q5_K" if i < n // 16 else "Q4_K"   # arch != FALCON -> Q4_K
        elif ftype == "Q4_K_M":
            if use_more_bits(i, n):
                t = "Q6_K"
        elif ftype == "Q5_K_M" and use_more_bits(i, n):
            t = "Q6_K"
        elif ftype == "Q4_K_S" and i < n // 8:
            t = "Q5_K"
        elif ftype == "Q4_0" and st["imatrix"] and i < n // 8:
            t = "Q4_1"
        st["i_down"] += 1
    elif cat == "ATTENTION_OUTPUT":
        if n_expert == 8:
            if ftype in ("Q3_K_M", "Q4_K_S", "Q4_K_M"):
                t = "Q5_K"
        elif ftype == "Q3_K_M":
            t = "Q4_K"
    if shape[0] % TYPES[t][0] != 0:
        t = FALLBACK.get(t, t)
        if shape[0] % TYPES[t][0] != 0:
            t = "F16"
    return t


# ---------------------------------------------------------------- tensor lists

def qwen35_tensors(m, mtp=False):
    E, V = m["embeddingLength"], m["vocabSize"]
    hd, nh, nkv = m["keyLength"], m["headCount"], m["headCountKv"]
    d_state, ngroup, hv, kconv = 128, m["groupCount"], m["timeStepRank"], 4
    key_dim, value_dim = d_state * ngroup, d_state * hv
    conv_dim = 2 * key_dim + value_dim
    moe = m.get("expertCount", 0) > 0
    ff = m.get("feedForwardLength", 0)
    n_layer = m["blockCount"]
    out = [("token_embd.weight", [E, V], "BF16"), ("output_norm.weight", [E], "F32")]
    if not m["tiedEmbeddings"]:
        out.append(("output.weight", [E, V], "BF16"))

    def ffn(il):
        r = []
        if moe:
            ne, fe, fs = m["expertCount"], m["expertFeedForwardLength"], m["sharedExpertFeedForwardLength"]
            r += [(f"blk.{il}.ffn_gate_inp.weight", [E, ne], "F32"),
                  (f"blk.{il}.ffn_gate_exps.weight", [E, fe, ne], "BF16"),
                  (f"blk.{il}.ffn_up_exps.weight", [E, fe, ne], "BF16"),
                  (f"blk.{il}.ffn_down_exps.weight", [fe, E, ne], "BF16"),
                  (f"blk.{il}.ffn_gate_inp_shexp.weight", [E], "F32"),
                  (f"blk.{il}.ffn_gate_shexp.weight", [E, fs], "BF16"),
                  (f"blk.{il}.ffn_up_shexp.weight", [E, fs], "BF16"),
                  (f"blk.{il}.ffn_down_shexp.weight", [fs, E], "BF16")]
        else:
            r += [(f"blk.{il}.ffn_gate.weight", [E, ff], "BF16"),
                  (f"blk.{il}.ffn_up.weight", [E, ff], "BF16"),
                  (f"blk.{il}.ffn_down.weight", [ff, E], "BF16")]
        return r

    def attn(il):
        return [(f"blk.{il}.attn_q.weight", [E, hd * nh * 2], "BF16"),
                (f"blk.{il}.attn_k.weight", [E, hd * nkv], "BF16"),
                (f"blk.{il}.attn_v.weight", [E, hd * nkv], "BF16"),
                (f"blk.{il}.attn_output.weight", [hd * nh, E], "BF16"),
                (f"blk.{il}.attn_q_norm.weight", [hd], "F32"),
                (f"blk.{il}.attn_k_norm.weight", [hd], "F32")]

    for il in range(n_layer):
        out += [(f"blk.{il}.attn_norm.weight", [E], "F32"),
                (f"blk.{il}.post_attention_norm.weight", [E], "F32")]
        if (il + 1) % 4 == 0:
            out += attn(il)
        else:
            out += [(f"blk.{il}.attn_qkv.weight", [E, conv_dim], "BF16"),
                    (f"blk.{il}.attn_gate.weight", [E, value_dim], "BF16"),
                    (f"blk.{il}.ssm_conv1d.weight", [kconv, conv_dim], "F32"),
                    (f"blk.{il}.ssm_dt.bias", [hv], "F32"),
                    (f"blk.{il}.ssm_a", [hv], "F32"),
                    (f"blk.{il}.ssm_beta.weight", [E, hv], "BF16"),
                    (f"blk.{il}.ssm_alpha.weight", [E, hv], "BF16"),
                    (f"blk.{il}.ssm_norm.weight", [d_state], "F32"),
                    (f"blk.{il}.ssm_out.weight", [value_dim, E], "BF16")]
        out += ffn(il)
    if mtp:
        il = n_layer
        out += [(f"blk.{il}.attn_norm.weight", [E], "F32"),
                (f"blk.{il}.post_attention_norm.weight", [E], "F32")] + attn(il) + ffn(il)
        out += [(f"blk.{il}.nextn.eh_proj.weight", [2 * E, E], "BF16"),
                (f"blk.{il}.nextn.enorm.weight", [E], "F32"),
                (f"blk.{il}.nextn.hnorm.weight", [E], "F32"),
                (f"blk.{il}.nextn.shared_head_norm.weight", [E], "F32")]
    return out


def llama_like_tensors(m):
    """llama / gemma3 / qwen3moe / gpt-oss style blocks: separate q,k,v."""
    E, V = m["embeddingLength"], m["vocabSize"]
    hd, hdv, nh, nkv = m["keyLength"], m["valueLength"], m["headCount"], m["headCountKv"]
    ff = m.get("feedForwardLength", 0)
    ne = m.get("expertCount", 0)
    out = [("token_embd.weight", [E, V], "BF16"), ("output_norm.weight", [E], "F32")]
    if not m["tiedEmbeddings"]:
        out.append(("output.weight", [E, V], "BF16"))
    for il in range(m["blockCount"]):
        out += [(f"blk.{il}.attn_norm.weight", [E], "F32"),
                (f"blk.{il}.ffn_norm.weight", [E], "F32"),
                (f"blk.{il}.attn_q.weight", [E, hd * nh], "BF16"),
                (f"blk.{il}.attn_k.weight", [E, hd * nkv], "BF16"),
                (f"blk.{il}.attn_v.weight", [E, hdv * nkv], "BF16"),
                (f"blk.{il}.attn_output.weight", [hdv * nh, E], "BF16")]
        for extra in m.get("extraNorms", []):
            out.append((f"blk.{il}.{extra}.weight", [hd if 'q_norm' in extra or 'k_norm' in extra else E], "F32"))
        if m.get("attnBiases"):  # gpt-oss: q/k/v/o biases and per-head sinks
            out += [(f"blk.{il}.attn_q.bias", [hd * nh], "F32"), (f"blk.{il}.attn_k.bias", [hd * nkv], "F32"),
                    (f"blk.{il}.attn_v.bias", [hdv * nkv], "F32"), (f"blk.{il}.attn_output.bias", [E], "F32"),
                    (f"blk.{il}.attn_sinks.weight", [nh], "F32")]
        if ne:
            fe = m["expertFeedForwardLength"]
            src = m.get("expertSourceType", "BF16")
            if m.get("attnBiases"):
                out += [(f"blk.{il}.ffn_gate_inp.bias", [ne], "F32"), (f"blk.{il}.ffn_gate_exps.bias", [fe, ne], "F32"),
                        (f"blk.{il}.ffn_up_exps.bias", [fe, ne], "F32"), (f"blk.{il}.ffn_down_exps.bias", [E, ne], "F32")]
            out += [(f"blk.{il}.ffn_gate_inp.weight", [E, ne], "F32"),
                    (f"blk.{il}.ffn_gate_exps.weight", [E, fe, ne], src),
                    (f"blk.{il}.ffn_up_exps.weight", [E, fe, ne], src),
                    (f"blk.{il}.ffn_down_exps.weight", [fe, E, ne], src)]
        else:
            out += [(f"blk.{il}.ffn_gate.weight", [E, ff], "BF16"),
                    (f"blk.{il}.ffn_up.weight", [E, ff], "BF16"),
                    (f"blk.{il}.ffn_down.weight", [ff, E], "BF16")]
    return out


def size(model, ftype, tensors, imatrix=True, metadata_bytes=None):
    n_wv = sum(1 for n, s, _ in tensors if category(n) in ("ATTENTION_V", "ATTENTION_QKV"))
    n_layer_all = 1 + max(layer_of(n) for n, _, _ in tensors)
    tied = not any(n == "output.weight" for n, _, _ in tensors)
    st = {"i_wv": 0, "n_wv": n_wv, "i_down": 0, "n_layer_all": n_layer_all,
          "tied": tied, "imatrix": imatrix}
    total = 0
    mix = {}
    for name, shape, src in tensors:
        n = 1
        for d in shape:
            n *= d
        t = choose(ftype, name, shape, st, model)
        if t is None:
            if ftype in ("F16", "BF16") and len(shape) >= 2 and src not in ("F32", "MXFP4"):
                t = ftype
            else:
                t = src
        b = nbytes(t, n, shape[0])
        b = (b + 31) // 32 * 32  # GGUF data alignment 32
        total += b
        mix[t] = mix.get(t, 0) + n
    if metadata_bytes is None:
        # GGUF header + KV metadata (tokenizer dominates) + tensor infos: 44 bytes
        # per vocab entry, calibrated on unsloth Qwen3.5 Q8_0 files (see README)
        metadata_bytes = 44 * model["vocabSize"]
    return total + metadata_bytes, mix


def params(tensors, text_only=True):
    tot = 0
    for name, shape, _ in tensors:
        n = 1
        for d in shape:
            n *= d
        tot += n
    return tot


def qwen35_vision_params(depth, hidden, inter, out, patch=16, temporal=2, merge=2, n_pos=2304):
    """Parameter count of a Qwen3.5 vision tower + merger (mmproj), weights and
    biases: blocks (qkv, proj, 2-layer GELU MLP, 2 LayerNorms), patch embed
    (3 x temporal x patch x patch -> hidden), learned position embedding
    (n_pos x hidden), merger (LayerNorm, fc1 hidden*merge^2 -> same, fc2 -> out)."""
    blk = (hidden * 3 * hidden + 3 * hidden) + (hidden * hidden + hidden) \
        + (hidden * inter + inter) + (inter * hidden + hidden) + 4 * hidden
    m = hidden * merge * merge
    merger = 2 * hidden + (m * m + m) + (m * out + out)
    return depth * blk + 3 * temporal * patch * patch * hidden + hidden + n_pos * hidden + merger


if __name__ == "__main__":
    import yaml  # noqa
    here = Path(__file__).resolve().parent
    want = sys.argv[1:]
    for f in sorted((here.parent / "src/main/resources/prositronic/catalog/models").glob("*.yaml")):
        y = yaml.safe_load(f.read_text())
        if want and y["id"] not in want:
            continue
        a = y["architecture"]
        m = dict(a)
        m.update(a["attention"])
        m.update(a.get("ssm") or {})
        m.update(a.get("moe") or {})
        arch = a["ggufArchitecture"]
        if arch in ("qwen35", "qwen35moe"):
            ts = qwen35_tensors(m)
        else:
            if arch == "gemma3":
                m["extraNorms"] = ["attn_q_norm", "attn_k_norm", "post_attention_norm", "post_ffw_norm"]
            elif arch == "qwen3moe":
                m["extraNorms"] = ["attn_q_norm", "attn_k_norm"]
            elif arch == "gpt-oss":
                m["attnBiases"] = True
                m["expertSourceType"] = "MXFP4"
            if arch == "llama" and a["blockCount"] == 80:
                m["llmType70B"] = True  # llama.cpp LLM_TYPE_70B
            ts = llama_like_tensors(m)
        print(y["id"], "params", params(ts))
        quants = ("MXFP4", "F16") if arch == "gpt-oss" else ("Q3_K_M", "Q4_0", "Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0")
        for q in quants:
            s, mix = size(m, q, ts)
            print(f"  {q:7s} {s:>15,d}  {s/1e9:7.2f} GB  {8*s/params(ts):5.2f} bpw")

