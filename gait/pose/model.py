"""MediaPipe's pose landmark model without its person mask, for the trackers that are not asked for one.

The pose landmark model of complexity 1 (``pose_landmark_full.tflite`` in MediaPipe's wheel) gives five
outputs for each frame: the landmarks, the pose-presence flag, a 256x256 person mask, the landmarks' heat
maps and the world landmarks. The tracker reads the mask only when it is asked for one
(``enable_segmentation``), but the model works it out on every call: 46 of its 332 operations (upsampling
and convolutions at 128x128 and 256x256), about a third of its time (12.5-12.8 ms a call against 18.7-19.8
on one core here, 6 Dec 2026).

:func:`without_mask` writes a copy of the model in which those operations are left out of the model's list
of operations (the flatbuffer's vector of operators shortened in place; nothing else changes) and the mask's
output names the pose-presence flag instead, so that MediaPipe's graph, which splits the outputs by their
position and gates the mask off, finds the five it expects. Every other output is computed by the same
operations on the same inputs, so the landmarks are identical (a test), and the pose cache's landmarks are
those of either model.

Only what this needs of TFLite's flatbuffer schema is read here (``tensorflow/lite/schema/schema.fbs``):
the field positions below.
"""

from __future__ import annotations

import hashlib
import os
import struct
import tempfile
from pathlib import Path

# Where MediaPipe's graph finds the model, relative to the folder that holds the mediapipe package
SOURCE = "mediapipe/modules/pose_landmark/pose_landmark_full.tflite"
MASK_OUTPUT = 2  # the person mask's position among the model's outputs
STAND_IN_OUTPUT = 1  # the output named in its place: the pose-presence flag, one number
MASK_NAME, MASK_SHAPE = b"Identity_2", (1, 256, 256, 1)  # what the mask's output must be for the copy to be made

# Field positions in TFLite's schema
_MODEL_SUBGRAPHS = 2
_SUBGRAPH_TENSORS, _SUBGRAPH_OUTPUTS, _SUBGRAPH_OPERATORS = 0, 2, 3
_OPERATOR_INPUTS, _OPERATOR_OUTPUTS = 1, 2
_TENSOR_SHAPE, _TENSOR_NAME = 0, 3


def without_mask(source: Path, folder: Path) -> Path | None:
    """The copy of the model at ``source`` without its person mask, in ``folder`` (made unless it is there,
    named by the source's SHA-256); None when the model is not the one this expects (its third output not the
    256x256 mask) or the copy cannot be written (the caller then uses ``source``)."""
    data = source.read_bytes()
    path = folder / f"{source.stem}-no-mask-{hashlib.sha256(data).hexdigest()[:16]}{source.suffix}"
    if path.is_file():
        return path
    try:
        pruned = _pruned(bytearray(data))
    except (struct.error, ValueError, IndexError):  # not a TFLite model as this reads them
        pruned = None
    if pruned is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(suffix=".part", dir=folder)
    except OSError:
        return None
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(pruned)
        os.chmod(partial, 0o644)  # a model, not the user's data: readable by whoever shares the folder
        os.replace(partial, path)  # whole or not at all, whoever else writes it at once
    except OSError:  # a full disk
        return None
    finally:
        Path(partial).unlink(missing_ok=True)
    return path


def _pruned(model: bytearray) -> bytes | None:
    root = _u32(model, 0)
    subgraphs = _vector(model, root, _MODEL_SUBGRAPHS)
    graph = _table(model, subgraphs + 4)
    outputs = _ints(model, graph, _SUBGRAPH_OUTPUTS)
    tensors = _vector(model, graph, _SUBGRAPH_TENSORS)
    mask = _table(model, tensors + 4 + 4 * outputs[MASK_OUTPUT]) if len(outputs) == 5 else None
    if mask is None or (_string(model, mask, _TENSOR_NAME), tuple(_ints(model, mask, _TENSOR_SHAPE))) != (
            MASK_NAME, MASK_SHAPE):
        return None
    operators = _vector(model, graph, _SUBGRAPH_OPERATORS)
    ops = [_table(model, operators + 4 + 4 * k) for k in range(_u32(model, operators))]
    made_by = {tensor: k for k, op in enumerate(ops) for tensor in _ints(model, op, _OPERATOR_OUTPUTS)}
    needed: set[int] = set()
    wanted = [tensor for position, tensor in enumerate(outputs) if position != MASK_OUTPUT]
    while wanted:
        k = made_by.get(wanted.pop())
        if k is not None and k not in needed:
            needed.add(k)
            wanted.extend(tensor for tensor in _ints(model, ops[k], _OPERATOR_INPUTS) if tensor >= 0)
    # the kept operators, in their order, moved to the front of the vector (each entry is an offset from
    # itself to its operator), and the vector's length shortened: the entries after it are never read
    for slot, k in enumerate(sorted(needed)):
        entry = operators + 4 + 4 * slot
        struct.pack_into("<I", model, entry, ops[k] - entry)
    struct.pack_into("<I", model, operators, len(needed))
    struct.pack_into("<i", model, _vector(model, graph, _SUBGRAPH_OUTPUTS) + 4 + 4 * MASK_OUTPUT,
                     outputs[STAND_IN_OUTPUT])
    return bytes(model)


def _u32(buf: bytearray, at: int) -> int:
    return int(struct.unpack_from("<I", buf, at)[0])


def _field(buf: bytearray, table: int, field: int) -> int | None:
    """Where the table's field is, or None when the table leaves it out."""
    vtable = table - struct.unpack_from("<i", buf, table)[0]
    slot = 4 + 2 * field
    if slot >= struct.unpack_from("<H", buf, vtable)[0]:
        return None
    offset = struct.unpack_from("<H", buf, vtable + slot)[0]
    return table + offset if offset else None


def _table(buf: bytearray, at: int) -> int:
    """The table an offset at ``at`` points to (a root, a field or an entry of a vector of tables)."""
    return at + _u32(buf, at)


def _vector(buf: bytearray, table: int, field: int) -> int:
    """Where the table's vector field starts (its length, then its entries)."""
    at = _field(buf, table, field)
    if at is None:
        raise ValueError("not a TFLite model this module reads")
    return _table(buf, at)


def _ints(buf: bytearray, table: int, field: int) -> list[int]:
    if _field(buf, table, field) is None:
        return []
    at = _vector(buf, table, field)
    return list(struct.unpack_from(f"<{_u32(buf, at)}i", buf, at + 4))


def _string(buf: bytearray, table: int, field: int) -> bytes:
    if _field(buf, table, field) is None:
        return b""
    at = _vector(buf, table, field)
    return bytes(buf[at + 4:at + 4 + _u32(buf, at)])
