// libh5archive in one include: references and the staging area, arrays and
// HDF5 dataset I/O, units, schemas, sections and entry archives.
#pragma once

#include "h5archive/array.hpp"
#include "h5archive/dataset_io.hpp"
#include "h5archive/dtype.hpp"
#include "h5archive/entry_archive.hpp"
#include "h5archive/errors.hpp"
#include "h5archive/reference.hpp"
#include "h5archive/resolve_read.hpp"
#include "h5archive/schema.hpp"
#include "h5archive/section.hpp"
#include "h5archive/staging_area.hpp"
#include "h5archive/units.hpp"
