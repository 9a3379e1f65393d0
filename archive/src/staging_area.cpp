#include "h5archive/staging_area.hpp"
