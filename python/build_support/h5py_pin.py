"""Dynamic metadata for the wheel (pyproject.toml): its dependencies pin the
h5py whose bundled libhdf5 the connector is linked to. auditwheel names that
library after a hash of its content (h5py.libs/libhdf5-<hash>.so.*), so any
other h5py build, even of the same HDF5 version, has another file the
connector cannot load.
"""
import importlib.metadata


def dynamic_metadata(settings, project):  # noqa: ARG001 (the provider protocol)
    return {"dependencies": [f"h5py=={importlib.metadata.version('h5py')}"]}
