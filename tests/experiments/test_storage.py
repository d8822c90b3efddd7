"""The HDF5 result file: exact round trip, SONATA layout readable by libsonata, atomic writes,
clear errors on bad files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

from experiments import storage
from experiments.config import resolve_config
from experiments.provenance import collect_provenance, git_version, wall_times
from experiments.storage import MAGIC, StorageError, read_run, write_result

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def produced(standins, tmp_path):
    """A stand-in run: (result, config, provenance, path written)."""
    config = resolve_config("standin", ["ketamine_uM=2", "synapses.tau_ampa=4ms", "dt=0.05ms"], seed=4)
    result = standins.run_standin(config.context())
    provenance = collect_provenance(["run", "standin"]) | wall_times(1000.0, 1002.5)
    path = write_result(tmp_path / "out" / "run.h5", result, config, provenance)
    return result, config, provenance, path


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_h5py_round_trip_is_exact(produced):
    """Spikes (sorted by time), population sizes, read-outs with units, time series, config
    JSON and seed read back with h5py exactly as written."""
    result, config, provenance, path = produced
    with h5py.File(path, "r") as f:
        assert f.attrs["complete"] is True or bool(f.attrs["complete"])
        assert int(f.attrs["magic"]) == MAGIC and f.attrs["magic"].dtype == np.uint32
        assert f.attrs["version"].tolist() == [0, 1] and f.attrs["version"].dtype == np.uint32
        for population, n in result.population_sizes.items():
            group = f["spikes"][population]
            assert int(group.attrs["n_nodes"]) == n
            assert h5py.check_enum_dtype(group.attrs.get_id("sorting").dtype) == {"none": 0, "by_id": 1, "by_time": 2}
            assert group.attrs["sorting"] == 2
            times, ids = group["timestamps"], group["node_ids"]
            assert times.dtype == np.float64 and times.attrs["units"] == "ms"
            assert ids.dtype == np.uint64
            t_in, i_in = result.spikes.get(population, (np.zeros(0), np.zeros(0, dtype=int)))
            order = np.lexsort((i_in, t_in))
            np.testing.assert_array_equal(times[()], np.asarray(t_in, dtype=float)[order])
            np.testing.assert_array_equal(ids[()], np.asarray(i_in).astype(np.uint64)[order])
            assert np.all(np.diff(times[()]) >= 0)
        for name, readout in result.readouts.items():
            dataset = f["readouts"][name]
            np.testing.assert_array_equal(dataset[()], np.asarray(readout.value))
            assert dataset.ndim == np.ndim(readout.value)
            assert dataset.attrs["units"] == readout.units and dataset.attrs["doc"] == readout.doc
        for name, ts in result.timeseries.items():
            group = f["timeseries"][name]
            np.testing.assert_array_equal(group["times"][()], ts.times)
            np.testing.assert_array_equal(group["values"][()], ts.values)
            assert group.attrs["units"] == ts.units and group.attrs["time_units"] == ts.time_units
        meta = f["meta"]
        assert meta["config"].asstr()[()] == config.to_json()
        assert json.loads(meta["provenance"].asstr()[()]) == json.loads(json.dumps(provenance))
        assert meta.attrs["seed"] == 4 and meta.attrs["protocol"] == "standin"
        assert meta.attrs["wall_seconds"] == pytest.approx(2.5)
        for key in ("git_commit", "git_dirty", "packages", "host", "python", "command_line", "wall_start", "wall_end"):
            assert key in meta.attrs, key


def test_reader_round_trip_is_exact(produced):
    """read_run gives back the spikes, sizes, read-outs (0-d as numbers), units, time series,
    config and provenance."""
    result, config, provenance, path = produced
    record = read_run(path)
    assert record.populations == result.population_sizes
    assert record.config == config and record.seed == 4 and record.protocol == "standin"
    assert record.provenance["git_commit"] == provenance["git_commit"]
    for population in result.population_sizes:
        times, ids = record.spikes(population)
        t_in, i_in = result.spikes.get(population, (np.zeros(0), np.zeros(0, dtype=int)))
        order = np.lexsort((i_in, t_in))
        np.testing.assert_array_equal(times, np.asarray(t_in, dtype=float)[order])
        np.testing.assert_array_equal(ids, np.asarray(i_in).astype(np.uint64)[order])
        assert record.spike_counts[population] == len(t_in)
    for name, readout in result.readouts.items():
        if np.ndim(readout.value) == 0:
            assert record.readouts[name] == readout.value and not isinstance(record.readouts[name], np.ndarray)
        else:
            np.testing.assert_array_equal(record.readouts[name], readout.value)
        assert record.readout_units[name] == readout.units
    assert record.readouts["tau_ampa_ms"] == 4.0 and record.readouts["dt_echo_ms"] == 0.05
    for name, ts in result.timeseries.items():
        np.testing.assert_array_equal(record.timeseries[name].values, ts.values)
        assert record.timeseries[name].units == ts.units
    with pytest.raises(KeyError, match="no population 'nope'"):
        record.spikes("nope")


def test_libsonata_reads_every_population(produced):
    """libsonata's SpikeReader sees every population (also one without spikes) with the right
    counts, times, node ids, sorting and time units."""
    libsonata = pytest.importorskip("libsonata")
    result, _, _, path = produced
    reader = libsonata.SpikeReader(str(path))
    assert sorted(reader.get_population_names()) == sorted(result.population_sizes)
    for population in result.population_sizes:
        spikes = reader[population]
        assert spikes.sorting == "by_time" and spikes.time_units == "ms"
        t_in, i_in = result.spikes.get(population, (np.zeros(0), np.zeros(0, dtype=int)))
        pairs = spikes.get()
        assert len(pairs) == len(t_in)
        as_dict = spikes.get_dict()
        order = np.lexsort((i_in, t_in))
        np.testing.assert_array_equal(np.asarray(as_dict["timestamps"]), np.asarray(t_in, dtype=float)[order])
        np.testing.assert_array_equal(np.asarray(as_dict["node_ids"]), np.asarray(i_in)[order])
        assert sorted(t for _, t in pairs) == sorted(np.asarray(t_in, dtype=float).tolist())


def test_large_arrays_are_compressed_but_not_spikes(produced, tmp_path):
    """Read-outs and time series above COMPRESS_ABOVE elements are gzip-compressed, small ones
    are not; spikes stay uncompressed (libsonata's wheels lack the deflate filter) unless
    compress_spikes=True."""
    result, config, provenance, path = produced
    with h5py.File(path, "r") as f:
        assert f["timeseries/rate_wdr_hz/values"].compression == "gzip"
        assert f["timeseries/plasma_uM/values"].compression is None
        assert f["readouts/rate_on_hz"].compression is None
        assert f["spikes/big/timestamps"].compression is None
        assert f["spikes/big/node_ids"].compression is None
    packed = write_result(tmp_path / "packed.h5", result, config, provenance, compress_spikes=True)
    with h5py.File(packed, "r") as f:
        assert f["spikes/big/timestamps"].compression == "gzip"
        assert f["spikes/wdr/timestamps"].compression is None
    np.testing.assert_array_equal(read_run(packed).spikes("big")[0], read_run(path).spikes("big")[0])


def test_refuses_to_overwrite(produced):
    """An existing file is not replaced unless overwrite=True."""
    result, config, provenance, path = produced
    before = path.read_bytes()
    with pytest.raises(FileExistsError):
        write_result(path, result, config, provenance)
    assert path.read_bytes() == before
    write_result(path, result, config, provenance, overwrite=True)
    assert read_run(path).config == config


def test_failure_while_writing_leaves_nothing(standins, tmp_path):
    """A result that fails half way through writing (a non-numeric read-out) leaves no file
    under the final name and no temporary file."""
    config = resolve_config("standin_bad_result")
    result = standins.run_bad_result(config.context())
    target = tmp_path / "bad.h5"
    with pytest.raises(ValueError, match="broken"):
        write_result(target, result, config, {})
    assert not target.exists()
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("exception", [KeyboardInterrupt, SystemExit, RuntimeError])
def test_interrupt_while_writing_leaves_nothing(standins, tmp_path, monkeypatch, exception):
    """KeyboardInterrupt (and any other BaseException) raised after the temporary file was
    created removes it; nothing appears under the final name."""
    config = resolve_config("standin")
    result = standins.run_standin(config.context())
    seen = []
    original = storage._dataset

    def interrupted(group, name, data, **attrs):
        seen.append(_leftovers(tmp_path))
        if group.name.startswith("/readouts"):
            raise exception()
        return original(group, name, data, **attrs)

    monkeypatch.setattr(storage, "_dataset", interrupted)
    target = tmp_path / "run.h5"
    with pytest.raises(exception):
        write_result(target, result, config, {})
    assert seen and seen[-1] and seen[-1][0].startswith(".run.h5.")  # the temporary file did exist
    assert not target.exists()
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("kind", ["missing", "directory", "text", "empty", "truncated", "incomplete",
                                  "foreign_hdf5", "bad_config"])
def test_bad_files_give_one_line_storage_error(produced, tmp_path, kind):
    """Missing, non-HDF5, empty, truncated, incomplete, foreign and corrupt files raise a
    one-line StorageError naming the file."""
    _, _, _, good = produced
    path = tmp_path / f"{kind}.h5"
    if kind == "directory":
        path.mkdir()
    elif kind == "text":
        path.write_text("not hdf5\n")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "truncated":
        path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    elif kind == "incomplete":
        path.write_bytes(good.read_bytes())
        with h5py.File(path, "a") as f:
            del f.attrs["complete"]
    elif kind == "foreign_hdf5":
        with h5py.File(path, "w") as f:
            f.attrs["complete"] = True
            f.create_dataset("x", data=[1, 2])
    elif kind == "bad_config":
        path.write_bytes(good.read_bytes())
        with h5py.File(path, "a") as f:
            del f["meta/config"]
            f["meta"].create_dataset("config", data="{not json", dtype=h5py.string_dtype())
    with pytest.raises(StorageError) as info:
        read_run(path)
    message = str(info.value)
    assert "\n" not in message and str(path) in message
    expected = {"missing": "no such file", "directory": "directory", "text": "not an HDF5 file",
                "empty": "not an HDF5 file", "truncated": "truncated or corrupt", "incomplete": "incomplete",
                "foreign_hdf5": "not a result file", "bad_config": "not valid JSON"}[kind]
    assert expected in message


def test_git_version_tolerates_no_checkout(tmp_path):
    """Outside a git checkout the commit is "unknown" and the dirty flag None."""
    assert git_version(tmp_path) == {"commit": "unknown", "dirty": None}


def test_provenance_fields():
    """Provenance records the commit, dirty flag, package versions, host, python and command."""
    provenance = collect_provenance(["run", "x", "--seed", "2"])
    assert set(provenance["packages"]) >= {"brian2", "numpy", "scipy", "h5py", "python"}
    assert provenance["command_line"].endswith("-m experiments run x --seed 2")
    assert provenance["git_commit"] == "unknown" or len(provenance["git_commit"]) == 40
    assert provenance["git_dirty"] in (True, False, None)
    assert provenance["host"] and provenance["python"]


def test_file_locking_follows_environment(tmp_path):
    """With HDF5_USE_FILE_LOCKING=FALSE in the environment (network file systems) files are
    written and read, and storage leaves the variable as the user set it."""
    code = (
        "import os, numpy as np\n"
        "from experiments.storage import write_result, read_run\n"
        "from experiments.config import ResolvedConfig\n"
        "from types import SimpleNamespace as NS\n"
        "r = NS(spikes={'a': (np.array([1.0]), np.array([0]))}, population_sizes={'a': 1}, readouts={}, timeseries={})\n"
        "c = ResolvedConfig(protocol='p', knobs={})\n"
        f"write_result({str(tmp_path / 'f.h5')!r}, r, c, {{}})\n"
        f"assert read_run({str(tmp_path / 'f.h5')!r}).spike_counts == {{'a': 1}}\n"
        "print(os.environ['HDF5_USE_FILE_LOCKING'])\n"
    )
    env = {**os.environ, "HDF5_USE_FILE_LOCKING": "FALSE", "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "FALSE"
