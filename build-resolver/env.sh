# Source this file: HDF5 1.14 tools, h5archive and the venv's python on PATH,
# HDF5_PLUGIN_PATH at the h5archive VOL plugin.
#   source build/env.sh
#   export HDF5_VOL_CONNECTOR="$H5ARCHIVE_VOL_CONNECTOR"   # or "h5archive root=<dir>"
export PATH="/work/main/build-resolver/bin:/root/.cache/h5archive/hdf5-1.14.5/bin:/root/.cache/h5archive/venv-hdf5-1.14.5/bin:$PATH"
export HDF5_PLUGIN_PATH="/work/main/build-resolver/plugins"
export H5ARCHIVE_VOL_CONNECTOR="h5archive root=${H5ARCHIVE_ROOT:-$PWD/.volumes/fs/staging}"
