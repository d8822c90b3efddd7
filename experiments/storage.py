"""One HDF5 file per run: SONATA spikes, read-outs, time series and provenance.

The layout is described attribute by attribute in ``docs/output_format.md``. In short::

    /                       attrs magic=0x0A7A, version=[0, 1], format, format_version, complete=True
    /spikes/<population>/   attrs sorting (enum none/by_id/by_time), n_nodes
        timestamps          float64, attr units="ms"
        node_ids            uint64
    /readouts/<name>        0-d, 1-d (or n-d) dataset, attrs units, doc (gzip above 1000 elements)
    /timeseries/<name>/     attrs units, time_units, doc; datasets times, values
    /meta                   datasets config (JSON), provenance (JSON); attrs protocol, seed, ...

:func:`write_result` writes to a hidden temporary file beside the target and renames it on
success, so the final name only ever holds a complete file. :func:`read_run` refuses files that
are not complete results of this project with a one-line :class:`StorageError`.

HDF5 file locking follows the environment: on network file systems where locking fails, run
``export HDF5_USE_FILE_LOCKING=FALSE`` before writing or reading.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import h5py
import numpy as np

from experiments.config import ConfigError, ResolvedConfig

__all__ = [
    "StorageError",
    "RunRecord",
    "write_result",
    "read_run",
    "temporary_path",
    "SORTING",
    "MAGIC",
    "SONATA_VERSION",
    "FORMAT",
    "FORMAT_VERSION",
    "COMPRESS_ABOVE",
]

#: SONATA spike files: root attribute ``magic`` and ``version`` (what libsonata expects)
MAGIC = 0x0A7A
SONATA_VERSION = (0, 1)
#: the SONATA ``sorting`` attribute, an HDF5 enum
SORTING = h5py.enum_dtype({"none": 0, "by_id": 1, "by_time": 2}, basetype=np.uint8)
FORMAT = "oih-run"
FORMAT_VERSION = 1
#: read-outs and time series with more elements than this are gzip-compressed (spikes are
#: not, unless asked: see :func:`write_result`)
COMPRESS_ABOVE = 1000
_STR = h5py.string_dtype()


class StorageError(Exception):
    """A file that cannot be read as a complete result of this project (one-line message)."""


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------

def temporary_path(path: Path | str) -> Path:
    """A fresh hidden name beside ``path``: ``.<name>.<pid>.<random>.tmp``."""
    path = Path(path)
    return path.parent / f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """``write(tmp)`` then rename ``tmp`` to ``path``; nothing is left under either name on error."""
    tmp = temporary_path(path)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _check_name(kind: str, name: str) -> None:
    if not isinstance(name, str) or not name or "/" in name or name in (".", ".."):
        raise ValueError(f"{kind} name {name!r} cannot be an HDF5 group name")


def _dataset(group: h5py.Group, name: str, data: np.ndarray, compress: bool = True, **attrs: Any) -> h5py.Dataset:
    options = {}
    if compress and data.ndim >= 1 and data.size > COMPRESS_ABOVE:
        options = {"compression": "gzip", "compression_opts": 4, "shuffle": True, "chunks": True}
    dataset = group.create_dataset(name, data=data, **options)
    for key, value in attrs.items():
        dataset.attrs[key] = value
    return dataset


def _numeric(kind: str, name: str, value: Any) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{kind} {name!r} is not numeric (dtype {array.dtype})")
    return array


def _sorted_spikes(population: str, times: Any, ids: Any, n_nodes: int) -> tuple[np.ndarray, np.ndarray]:
    times = np.asarray(times, dtype=np.float64).reshape(-1)
    raw_ids = np.asarray(ids).reshape(-1)
    if times.shape != raw_ids.shape:
        raise ValueError(f"population {population!r}: {times.size} spike times but {raw_ids.size} node ids")
    if raw_ids.size and (raw_ids.dtype.kind not in "iu" or raw_ids.min() < 0 or raw_ids.max() >= n_nodes):
        raise ValueError(f"population {population!r}: node ids must be integers in [0, {n_nodes})")
    if not np.all(np.isfinite(times)):
        raise ValueError(f"population {population!r}: spike times must be finite")
    node_ids = raw_ids.astype(np.uint64)
    order = np.lexsort((node_ids, times))  # by time, ties by node id
    return times[order], node_ids[order]


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _attr(value: Any) -> Any:
    """An HDF5-storable attribute value (None becomes the string "unknown")."""
    if value is None:
        return "unknown"
    if isinstance(value, (dict, list, tuple)):
        return _json(value)
    return value


def _write(handle: h5py.File, result: Any, config: ResolvedConfig, provenance: dict[str, Any],
           compress_spikes: bool = False) -> None:
    handle.attrs.create("magic", MAGIC, dtype=np.uint32)
    handle.attrs.create("version", np.array(SONATA_VERSION, dtype=np.uint32))
    handle.attrs["format"] = FORMAT
    handle.attrs["format_version"] = np.int64(FORMAT_VERSION)

    sizes = {str(name): int(n) for name, n in result.population_sizes.items()}
    unknown = set(result.spikes) - set(sizes)
    if unknown:
        raise ValueError(f"spikes of population(s) {', '.join(sorted(unknown))} without a population size")
    spikes = handle.create_group("spikes", track_order=True)
    for population, n_nodes in sizes.items():
        _check_name("population", population)
        if n_nodes < 0:
            raise ValueError(f"population {population!r}: negative size {n_nodes}")
        times, ids = result.spikes.get(population, (np.zeros(0), np.zeros(0, dtype=np.uint64)))
        times, ids = _sorted_spikes(population, times, ids, n_nodes)
        group = spikes.create_group(population)
        group.attrs.create("sorting", 2, dtype=SORTING)  # by_time
        group.attrs.create("n_nodes", n_nodes, dtype=np.uint64)
        _dataset(group, "timestamps", times, compress=compress_spikes, units="ms")
        _dataset(group, "node_ids", ids, compress=compress_spikes)

    readouts = handle.create_group("readouts", track_order=True)
    for name, readout in result.readouts.items():
        _check_name("readout", name)
        _dataset(readouts, name, _numeric("readout", name, readout.value),
                 units=str(readout.units), doc=str(getattr(readout, "doc", "") or ""))

    series = handle.create_group("timeseries", track_order=True)
    for name, ts in result.timeseries.items():
        _check_name("time series", name)
        times = _numeric("time series times", name, ts.times).astype(np.float64).reshape(-1)
        values = _numeric("time series values", name, ts.values)
        if values.ndim == 0 or values.shape[0] != times.size:
            raise ValueError(f"time series {name!r}: {times.size} times but values of shape {values.shape}")
        group = series.create_group(name)
        group.attrs["units"] = str(ts.units)
        group.attrs["time_units"] = str(getattr(ts, "time_units", "s"))
        group.attrs["doc"] = str(getattr(ts, "doc", "") or "")
        _dataset(group, "times", times, units=str(getattr(ts, "time_units", "s")))
        _dataset(group, "values", values, units=str(ts.units))

    meta = handle.create_group("meta", track_order=True)
    meta.create_dataset("config", data=config.to_json(), dtype=_STR)
    meta.create_dataset("provenance", data=_json(provenance), dtype=_STR)
    meta.attrs["protocol"] = config.protocol
    meta.attrs["seed"] = np.int64(config.seed)
    meta.attrs["scale"] = float(config.scale)
    meta.attrs["device"] = config.device
    meta.attrs["dt_ms"] = float(config.dt_ms)
    for key in ("git_commit", "git_dirty", "packages", "python", "host", "platform", "command_line",
                "wall_start", "wall_end", "wall_seconds"):
        if key in provenance:
            meta.attrs[key] = _attr(provenance[key])
    # written last: a reader trusts nothing in a file without it
    handle.attrs["complete"] = True


def write_result(path: Path | str, result: Any, config: ResolvedConfig, provenance: dict[str, Any],
                 *, overwrite: bool = False, compress_spikes: bool = False) -> Path:
    """Write ``result`` (a :class:`~experiments.protocols.base.RunResult`) as one HDF5 file.

    The file is written under a hidden temporary name in the same directory and renamed to
    ``path`` only when complete. On any exception, KeyboardInterrupt or other BaseException the
    temporary file is removed and nothing appears under ``path``. An existing ``path`` is
    replaced only with ``overwrite=True`` (FileExistsError otherwise). Returns ``path``.

    Spikes are stored uncompressed by default: the libsonata wheels (the reference SONATA
    reader) are built without the deflate filter and cannot read gzip-compressed datasets.
    ``compress_spikes=True`` trades that compatibility for size; read-outs and time series
    above :data:`COMPRESS_ABOVE` elements are always gzip-compressed."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path}: exists (not overwritten)")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_path(path)
    try:
        with h5py.File(tmp, "x", track_order=True) as handle:
            _write(handle, result, config, provenance, compress_spikes)
        if path.exists() and not overwrite:
            raise FileExistsError(f"{path}: appeared while the run was being written (not overwritten)")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------

@dataclass
class RunRecord:
    """A result file, read back. Spikes are read on demand with :meth:`spikes`."""

    path: Path
    #: population -> number of cells
    populations: dict[str, int]
    #: population -> number of spikes
    spike_counts: dict[str, int]
    #: readout -> float (0-d) or ndarray
    readouts: dict[str, Any]
    readout_units: dict[str, str]
    readout_docs: dict[str, str]
    #: name -> TimeSeries
    timeseries: dict[str, Any]
    config: ResolvedConfig
    #: protocol, seed, provenance (dict) and the other attributes of /meta
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def protocol(self) -> str:
        return self.config.protocol

    @property
    def seed(self) -> int:
        return self.config.seed

    @property
    def provenance(self) -> dict[str, Any]:
        return self.meta.get("provenance", {})

    def spikes(self, population: str) -> tuple[np.ndarray, np.ndarray]:
        """``(times_ms float64, node_ids uint64)`` of ``population``, sorted by time."""
        if population not in self.populations:
            raise KeyError(f"no population {population!r} in {self.path} (populations: {', '.join(self.populations)})")
        try:
            with _open(self.path) as handle:
                group = handle["spikes"][population]
                return group["timestamps"][()], group["node_ids"][()]
        except (OSError, KeyError) as exc:
            raise StorageError(f"{self.path}: cannot read spikes of {population!r}: {_one_line(exc)}") from None


def _one_line(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return " ".join(text.split())


def _open(path: Path) -> h5py.File:
    return h5py.File(path, "r")


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


def _series_class():
    try:
        from experiments.protocols.base import TimeSeries
    except Exception:  # the protocol registry does not import: plain records still read
        @dataclass(frozen=True)
        class TimeSeries:  # type: ignore[no-redef]
            times: np.ndarray
            values: np.ndarray
            units: str
            time_units: str = "s"
            doc: str = ""
    return TimeSeries


def read_run(path: Path | str) -> RunRecord:
    """Read a result file. Raises :class:`StorageError` (one line) if it is missing, not HDF5,
    truncated or corrupt, incomplete (no ``complete=True``) or not a result of this project."""
    path = Path(path)
    if not path.exists():
        raise StorageError(f"{path}: no such file")
    if path.is_dir():
        raise StorageError(f"{path}: is a directory, not a result file")
    try:
        is_hdf5 = h5py.is_hdf5(path)
    except OSError as exc:
        raise StorageError(f"{path}: cannot be read: {_one_line(exc)}") from None
    if not is_hdf5:
        raise StorageError(f"{path}: not an HDF5 file")
    try:
        handle = _open(path)
    except OSError as exc:
        raise StorageError(f"{path}: truncated or corrupt HDF5 file ({_one_line(exc)})") from None
    try:
        with handle:
            if not bool(handle.attrs.get("complete", False)):
                raise StorageError(f"{path}: incomplete result file (no complete=True): the run that wrote it "
                                   "did not finish")
            if "meta" not in handle or "config" not in handle["meta"]:
                raise StorageError(f"{path}: not a result file of this project (no /meta/config)")
            meta_group = handle["meta"]
            config = ResolvedConfig.from_json(meta_group["config"].asstr()[()])
            provenance = json.loads(meta_group["provenance"].asstr()[()]) if "provenance" in meta_group else {}
            meta = {key: _plain(value) for key, value in meta_group.attrs.items()}
            meta["provenance"] = provenance
            meta.setdefault("protocol", config.protocol)
            meta.setdefault("seed", config.seed)

            populations, counts = {}, {}
            for name, group in handle.get("spikes", {}).items():
                if "n_nodes" in group.attrs:
                    populations[name] = int(group.attrs["n_nodes"])
                else:  # a SONATA file from elsewhere: the largest id + 1 is all we know
                    ids = group["node_ids"][()]
                    populations[name] = int(ids.max()) + 1 if ids.size else 0
                counts[name] = int(group["timestamps"].shape[0])

            readouts, units, docs = {}, {}, {}
            for name, dataset in handle.get("readouts", {}).items():
                value = dataset[()]
                readouts[name] = value.item() if dataset.ndim == 0 else value
                units[name] = _text(dataset.attrs.get("units", ""))
                docs[name] = _text(dataset.attrs.get("doc", ""))

            series_class = _series_class()
            series = {}
            for name, group in handle.get("timeseries", {}).items():
                series[name] = series_class(
                    times=group["times"][()], values=group["values"][()],
                    units=_text(group.attrs.get("units", "")), time_units=_text(group.attrs.get("time_units", "s")),
                    doc=_text(group.attrs.get("doc", "")),
                )
    except StorageError:
        raise
    except ConfigError as exc:
        raise StorageError(f"{path}: {exc}") from None
    except (OSError, KeyError, ValueError, TypeError, json.JSONDecodeError) as exc:
        raise StorageError(f"{path}: corrupt result file ({_one_line(exc)})") from None
    return RunRecord(path=path, populations=populations, spike_counts=counts, readouts=readouts,
                     readout_units=units, readout_docs=docs, timeseries=series, config=config, meta=meta)


def json_safe(value: Any) -> Any:
    """``value`` with arrays as lists and NaN/inf as None, for strict JSON."""
    if isinstance(value, np.ndarray):
        return json_safe(value.tolist())
    if isinstance(value, np.generic):
        return json_safe(value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(item) for item in value]
    return value
