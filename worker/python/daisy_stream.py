"""Serve the blocks of a daisy-java task from Python: ``process: {stream: "python3 my.py"}``.

    import daisy_stream

    def process(block):
        data = source[block.read_roi.to_slices(voxel_size=(4, 4, 4))]
        target[block.write_roi.to_slices(voxel_size=(4, 4, 4))] = smooth(data)

    daisy_stream.serve(process)

``serve`` reads one JSON line per block from stdin, calls ``process(block)`` and answers
success, or failure with the exception's traceback if it raised. Everything the program prints
while it serves -- ``print``, ``sys.stdout``, C libraries writing to file descriptor 1 -- goes
to stderr, which the worker copies to its log: only this module writes answers, on a copy of
the original stdout, each on a line of its own starting with ``@daisy``. It returns when the
worker closes stdin (no more blocks). ``serve_check(check)`` does the same for
``check: {stream: ...}``: ``check(block)`` returns true if the block is already done.

The line format (see the project's docs): the worker writes
``{"block_id": 5, "attempt": 1, "task": "smooth", "read_offset": [..], "read_shape": [..],
"write_offset": [..], "write_shape": [..]}`` (world units); a process answers
``@daisy {"block_id": 5, "status": "success"}`` or
``@daisy {"block_id": 5, "status": "failed", "error": "..."}``; a check answers
``@daisy {"block_id": 5, "done": true}``.

Standard library only; Python 3.6 or later.
"""

import io
import json
import os
import sys
import traceback

__all__ = ["Block", "Roi", "serve", "serve_check"]

MARK = "@daisy "


class Roi:
    """A box in world units: ``offset`` (its first corner) and ``shape``, tuples of ints."""

    __slots__ = ("offset", "shape")

    def __init__(self, offset, shape):
        if len(offset) != len(shape):
            raise ValueError("offset %r and shape %r differ in dimensions" % (offset, shape))
        self.offset = tuple(int(v) for v in offset)
        self.shape = tuple(int(v) for v in shape)

    @property
    def end(self):
        """The corner after the last element (offset + shape)."""
        return tuple(o + s for o, s in zip(self.offset, self.shape))

    @property
    def dims(self):
        return len(self.offset)

    def to_slices(self, voxel_size=None, origin=None):
        """Slices, in voxels, that cut this ROI out of an array.

        ``voxel_size``: world units per voxel on each axis (default 1); ``origin``: the world
        position of the array's first voxel (default 0). Both are sequences of one value per
        axis. Raises ValueError if the ROI does not lie on the voxel grid.
        """
        n = self.dims
        voxel = _per_axis(voxel_size, 1, n, "voxel_size")
        start = _per_axis(origin, 0, n, "origin")
        slices = []
        for axis in range(n):
            if voxel[axis] <= 0:
                raise ValueError("voxel_size must be positive, got %r" % (tuple(voxel),))
            begin = self.offset[axis] - start[axis]
            if begin % voxel[axis] or self.shape[axis] % voxel[axis]:
                raise ValueError(
                    "ROI offset %r shape %r is not on the grid of voxel_size %r from origin %r"
                    % (self.offset, self.shape, tuple(voxel), tuple(start)))
            first = begin // voxel[axis]
            slices.append(slice(first, first + self.shape[axis] // voxel[axis]))
        return tuple(slices)

    def __eq__(self, other):
        return isinstance(other, Roi) and (self.offset, self.shape) == (other.offset, other.shape)

    def __hash__(self):
        return hash((self.offset, self.shape))

    def __repr__(self):
        return "Roi(offset=%r, shape=%r)" % (self.offset, self.shape)


def _per_axis(values, default, n, name):
    if values is None:
        return [default] * n
    values = [int(v) for v in values]
    if len(values) != n:
        raise ValueError("%s has %d values for a %d-dimensional ROI" % (name, len(values), n))
    return values


class Block:
    """One block of a task: ``block_id``, ``task``, ``attempt`` (1 = first try),
    ``read_roi`` and ``write_roi`` (world units)."""

    __slots__ = ("block_id", "task", "attempt", "read_roi", "write_roi")

    def __init__(self, block_id, task, attempt, read_roi, write_roi):
        self.block_id = block_id
        self.task = task
        self.attempt = attempt
        self.read_roi = read_roi
        self.write_roi = write_roi

    @classmethod
    def from_json(cls, line):
        """Parses one request line of the worker."""
        m = json.loads(line)
        return cls(
            int(m["block_id"]),
            m.get("task"),
            int(m.get("attempt", 1)),
            Roi(m["read_offset"], m["read_shape"]),
            Roi(m["write_offset"], m["write_shape"]),
        )

    def __repr__(self):
        return "Block(%r, task=%r, attempt=%r, read_roi=%r, write_roi=%r)" % (
            self.block_id, self.task, self.attempt, self.read_roi, self.write_roi)


class _Channel:
    """Takes the process's stdin and stdout for the worker's requests and the answers.

    File descriptor 1 is moved to stderr (``dup2(2, 1)``) so that nothing else -- Python code
    or a C library -- can write into the answer stream; answers go to a private copy of the
    original stdout. Descriptor 0 is replaced by /dev/null, so a library that reads stdin
    cannot swallow requests.
    """

    def __init__(self):
        sys.stdout.flush()
        self.requests = io.open(os.dup(0), "r", encoding="utf-8", closefd=True)
        self.answers = io.open(os.dup(1), "w", encoding="utf-8", closefd=True)
        os.dup2(2, 1)
        # ends a line something may have left unfinished on stdout before serve() (a library
        # printing without a newline at import), so that the first answer starts a line
        self.answers.write("\n")
        self.answers.flush()
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        # print() and sys.stdout now reach descriptor 1, which is stderr; line-buffered, so
        # prints show up in the worker's log as they happen
        sys.stdout = io.TextIOWrapper(
            io.FileIO(1, "w", closefd=False), encoding="utf-8", errors="replace",
            line_buffering=True)

    def blocks(self):
        for line in self.requests:
            if line.strip():
                yield line

    def answer(self, fields):
        sys.stdout.flush()
        sys.stderr.flush()
        self.answers.write(MARK + json.dumps(fields) + "\n")
        self.answers.flush()


def _error_text():
    return traceback.format_exc().rstrip()


def serve(process):
    """Calls ``process(block)`` for each block the worker sends, until it closes stdin.

    A return is success; an exception fails the block with its traceback as the error (the
    worker may retry it). KeyboardInterrupt and SystemExit end the process as usual.
    """
    channel = _Channel()
    for line in channel.blocks():
        try:
            block = Block.from_json(line)
        except Exception:
            # without a block id no answer can be matched: the worker restarts the process
            print("daisy_stream: cannot read the request %r" % line[:200], file=sys.stderr)
            raise
        try:
            process(block)
        except Exception:
            channel.answer({"block_id": block.block_id, "status": "failed",
                            "error": _error_text()})
        else:
            channel.answer({"block_id": block.block_id, "status": "success"})


def serve_check(check):
    """Calls ``check(block)`` for each block the scheduler asks about, until stdin closes.

    A true result means the block is done already and is skipped; false, or an exception, means
    it runs.
    """
    channel = _Channel()
    for line in channel.blocks():
        block = Block.from_json(line)
        try:
            done = bool(check(block))
        except Exception:
            channel.answer({"block_id": block.block_id, "status": "failed",
                            "error": _error_text()})
        else:
            channel.answer({"block_id": block.block_id, "done": done})
